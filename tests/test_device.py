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
    from digitlab.models import fast_net
    from digitlab.train import FAST_RECIPE, train_cnn
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny()
    seen = []
    model = fast_net(); model.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].device.type))
    r = train_cnn(model, **{**FAST_RECIPE, 'epochs': 1}, data=(x, y, x, y), progress=False)   # the fast recipe's net and optimizer
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

def test_the_device_in_words():
    from digitlab.loaders import device_name
    assert device_name('cpu').startswith('the CPU (') and 'threads' in device_name('cpu')

def _fit_tiny(progress=True, n=512, bs=16):
    from digitlab.models import DigitClassifier
    x, y = _tiny(n)
    return DigitClassifier((784, 16, 10)).fit(TensorLoader(x.view(n, -1), y, bs=bs), None, epochs=1, progress=progress, device='cpu')

def test_training_says_where_and_how_long(monkeypatch, capsys):
    from digitlab.learner import MiniProgress
    _fit_tiny()
    out = capsys.readouterr().out
    assert 'training on the CPU' in out and 'minutes' not in out         # a short run: no estimate
    monkeypatch.setattr(MiniProgress.__init__, '__defaults__', (2, 10, 0.))   # every run counts as long
    _fit_tiny()
    assert 'this run will take about' in capsys.readouterr().out

def test_a_trained_net_comes_back_on_the_cpu():
    net = _fit_tiny(progress=False)
    assert next(net.parameters()).device.type == 'cpu' and net.predict(torch.zeros(28, 28)).device.type == 'cpu'

def test_the_full_table_estimate():
    from digitlab.results import FULL_RUN, full_run_estimate
    est = full_run_estimate()
    assert 0 < est < 100*FULL_RUN['seconds']

@cuda
def test_chapter_routes_train_on_the_gpu(monkeypatch):
    "The ten-digit versions of the chapter's routes, SGD by hand and fastai's Learner: on the GPU, near their CPU results"
    from digitlab.data import load_mnist
    from digitlab.train import ten_by_hand, ten_with_learner
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    (x, y), (xt, yt) = load_mnist('train'), load_mnist('test')
    data = (x[:12000], y[:12000], xt[:2000], yt[:2000])
    for route, least in ((ten_by_hand, 0.6), (ten_with_learner, 0.8)):   # 0.678 and 0.842 on the CPU
        gpu, cpu = route(data, epochs=1), route(data, epochs=1, device='cpu')
        assert gpu > least and abs(gpu - cpu) < 0.02, (route.__name__, gpu, cpu)

@cuda
def test_mlp_and_predictions_on_the_gpu(monkeypatch):
    from digitlab.inference import DigitModel
    from digitlab.models import fast_cnn
    from digitlab.train import score_mlp
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    assert score_mlp('linear', epochs=1, progress=False) > 0.85
    m = DigitModel('cnn', list('0123456789'), fast_cnn())
    p = m.probs(torch.rand(3, 28, 28))
    assert p.device.type == 'cpu' and next(m.model.parameters()).device.type == 'cuda'

@cuda
def test_resnet_on_folders_trains_on_the_gpu(monkeypatch):
    from digitlab.train import resnet_on_folders
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    learn, acc = resnet_on_folders(share=0.1, progress=False)
    assert next(learn.model.parameters()).device.type == 'cuda' and acc >= 0.85   # lesson 10's quick check

def test_bf16_where_it_pays():
    "`train_cnn(bf16=True)` runs the forward passes in bfloat16 where `bf16_pays`, in float32 elsewhere, and hands back float32 weights"
    from digitlab.models import fast_cnn
    from digitlab.train import bf16_pays, train_cnn
    x, y = _tiny()
    dtypes = []
    model = fast_cnn(); model[1].register_forward_hook(lambda m, inp, out: dtypes.append(out.dtype))
    r = train_cnn(model, epochs=0.5, data=(x, y, x, y), bf16=True, progress=False, device='cpu')
    want = torch.bfloat16 if bf16_pays('cpu') else torch.float32
    assert dtypes[0] == want and dtypes[-1] == torch.float32      # training under autocast; scoring in float32
    assert all(p.dtype == torch.float32 for p in r['model'].parameters())
    assert not bf16_pays('meta')
