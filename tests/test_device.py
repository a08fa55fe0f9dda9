"""Where digitlab trains: `pick_device` chooses a GPU when there is one (CUDA, then Apple's MPS), the CPU
otherwise, and `device=` or $DIGITLAB_DEVICE overrides it. The first tests run everywhere; the last ones
need CUDA and are skipped without it (run them on a GPU machine: `pytest tests/test_device.py`)."""
import pytest, torch
from digitlab.loaders import TensorLoader, pick_device

def test_the_cpu_without_a_gpu(monkeypatch):
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(torch.backends.mps, 'is_available', lambda: False)
    assert pick_device() == torch.device('cpu')

def test_a_gpu_when_there_is_one(monkeypatch):
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    monkeypatch.setattr(torch.backends.mps, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert pick_device() == torch.device('mps')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert pick_device() == torch.device('cuda')            # CUDA first

def test_the_argument_then_the_environment_overrides(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setenv('DIGITLAB_DEVICE', 'cpu')
    assert pick_device() == torch.device('cpu')
    assert pick_device('meta') == torch.device('meta')     # the argument wins over the environment

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device here')

def _tiny(n=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)

@cuda
def test_train_cnn_trains_on_the_gpu(monkeypatch):
    from digitlab.models import fast_cnn
    from digitlab.train import train_cnn
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny()
    seen = []
    model = fast_cnn(); model.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].device.type))
    r = train_cnn(model, epochs=1, data=(x, y, x, y), progress=False)
    assert 'cuda' in seen and next(r['model'].parameters()).device.type == 'cpu'   # trained there, handed back on the CPU

@cuda
def test_digit_classifier_fits_on_the_gpu(monkeypatch):
    from digitlab.models import DigitClassifier
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny()
    net = DigitClassifier((784, 32, 10))
    seen = []; net.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].device.type))
    net.fit(TensorLoader(x.view(len(x), -1), y, bs=128, shuffle=True), None, epochs=1, progress=False)
    assert 'cuda' in seen
