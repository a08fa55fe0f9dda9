"""Where digitlab trains: `pick_device` chooses a GPU when there is one (CUDA, then Apple's MPS), the CPU
otherwise, and `device=` or $DIGITLAB_DEVICE overrides it. Most tests run everywhere; those marked `gpu`
need a CUDA or Apple GPU and are skipped without one (run them on a GPU machine: `pytest tests/test_device.py`)."""
import pytest, torch
import digitlab.recipes   # adds `DigitClassifier.fit` (lesson 12), which needs lesson 09's learner
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

GPU = 'cuda' if torch.cuda.is_available() else 'mps' if torch.backends.mps.is_available() else None   # what pick_device() takes
gpu = pytest.mark.skipif(GPU is None, reason='no GPU (CUDA or MPS) here')

class _Seen:
    "In a `with` block, the device types of the tensors every module (of any model, fastai's too) is called with"
    def __enter__(self):
        self.types = set()
        self.handle = torch.nn.modules.module.register_module_forward_pre_hook(
            lambda m, inp: self.types.update(t.device.type for t in inp if isinstance(t, torch.Tensor)))
        return self.types
    def __exit__(self, *exc): self.handle.remove()

def _tiny(n=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)

def test_seen_records_devices():
    "The helper the GPU tests rely on: it sees a model's inputs, and stops seeing them after the block"
    net = torch.nn.Sequential(torch.nn.Linear(4, 2))
    with _Seen() as seen: net(torch.zeros(1, 4))
    assert seen == {'cpu'}
    net.to('meta')(torch.zeros(1, 4, device='meta'))   # after the block: not seen
    assert seen == {'cpu'}
    with _Seen() as seen: net(torch.zeros(1, 4, device='meta'))
    assert seen == {'meta'}

@gpu
def test_train_cnn_trains_on_the_gpu(monkeypatch):
    from digitlab.models import fast_net
    from digitlab.recipes import FAST_RECIPE, train_cnn
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny()
    with _Seen() as seen: r = train_cnn(fast_net(), **{**FAST_RECIPE, 'epochs': 1}, data=(x, y, x, y), progress=False)   # the fast recipe's net and optimizer
    assert seen == {GPU} and next(r['model'].parameters()).device.type == 'cpu'   # trained and scored there, handed back on the CPU

@gpu
def test_augmented_bf16_training_on_the_gpu(monkeypatch):
    "The augmentation's random numbers are drawn on the CPU and moved; bf16 autocast where the GPU has it; the recorder's losses come back on the CPU"
    from digitlab.learner import MiniCallback
    from digitlab.models import best_cnn
    from digitlab.speed import bf16_pays
    from digitlab.recipes import train_cnn
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    class Keep(MiniCallback):
        def after_fit(self): self.losses = self.learn.recorder.losses
    keep, (x, y), dtypes = Keep(), _tiny(), []
    model = best_cnn(crop=4); model[1].register_forward_hook(lambda m, inp, out: dtypes.append(out.dtype))   # the stem, after the crop
    with _Seen() as seen:
        r = train_cnn(model, epochs=2, bs=64, augment=dict(until=0.8), bf16=True, data=(x, y, x, y), progress=False, cbs=[keep])
    assert seen == {GPU} and 0 <= r['accuracy'] <= 1 and r['seconds'] > 0
    assert dtypes[0] == (torch.bfloat16 if bf16_pays(GPU) else torch.float32) and dtypes[-1] == torch.float32   # autocast in training only
    assert keep.losses and all(l.device.type == 'cpu' and l.isfinite() for l in keep.losses)

@gpu
def test_digit_classifier_fits_on_the_gpu(monkeypatch):
    from digitlab.models import DigitClassifier
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny()
    net = DigitClassifier((784, 32, 10))
    with _Seen() as seen: net.fit(TensorLoader(x.view(len(x), -1), y, bs=128, shuffle=True), None, epochs=1, progress=False)
    assert seen == {GPU} and next(net.parameters()).device.type == 'cpu'
    assert net.predict(x[:3]).device.type == 'cpu'

def test_the_device_in_words():
    from digitlab.loaders import device_name
    n = torch.get_num_threads()
    assert device_name('cpu') == f"the CPU ({n} thread{'' if n == 1 else 's'})"
    torch.set_num_threads(1)
    try: assert device_name('cpu') == 'the CPU (1 thread)'
    finally: torch.set_num_threads(n)

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

def test_the_full_table_estimate(monkeypatch):
    "The course CPU's time, scaled by how much faster or slower this CPU multiplies matrices"
    import digitlab.results
    from digitlab.results import FULL_RUN, full_run_estimate
    assert 0 < full_run_estimate() < float('inf')   # this CPU, measured
    for speed in (1, 2, 0.5):
        monkeypatch.setattr(digitlab.results, 'matmul_gflops', lambda *a, **k: speed*FULL_RUN['gflops'])
        assert full_run_estimate() == pytest.approx(FULL_RUN['seconds']/speed)

@gpu
def test_chapter_routes_train_on_the_gpu(monkeypatch):
    "The ten-digit versions of the chapter's routes, SGD by hand and fastai's Learner: on the GPU, near their CPU results"
    import digitlab.train
    from digitlab.data import load_mnist
    from digitlab.train import ten_by_hand, ten_with_learner
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    by_hand, linear1 = set(), digitlab.train.linear1   # SGD by hand has no module to hook: watch its model function
    monkeypatch.setattr(digitlab.train, 'linear1', lambda xb, w, b: by_hand.add(xb.device.type) or linear1(xb, w, b))
    (x, y), (xt, yt) = load_mnist('train'), load_mnist('test')
    data = (x[:12000], y[:12000], xt[:2000], yt[:2000])
    for route, least in ((ten_by_hand, 0.6), (ten_with_learner, 0.8)):   # 0.678 and 0.842 on the CPU
        by_hand.clear()
        with _Seen() as seen: on_gpu = route(data, epochs=1)
        assert (by_hand if route is ten_by_hand else seen) == {GPU}, route.__name__
        on_cpu = route(data, epochs=1, device='cpu')
        assert on_gpu > least and abs(on_gpu - on_cpu) < 0.02, (route.__name__, on_gpu, on_cpu)

@gpu
def test_mlp_and_predictions_on_the_gpu(monkeypatch):
    from digitlab.inference import DigitModel
    from digitlab.models import fast_cnn
    from digitlab.recipes import score_mlp
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    with _Seen() as seen: acc = score_mlp('linear', epochs=1, progress=False)
    assert acc > 0.85 and GPU in seen   # trained there; scored on the CPU, where fit hands the net back
    m = DigitModel('cnn', list('0123456789'), fast_cnn())
    p = m.probs(torch.rand(3, 28, 28))
    assert p.device.type == 'cpu' and next(m.model.parameters()).device.type == GPU

@gpu
def test_resnet_on_folders_trains_on_the_gpu(monkeypatch):
    from digitlab.train import resnet_on_folders
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    learn, acc = resnet_on_folders(share=0.1, progress=False)
    assert next(learn.model.parameters()).device.type == GPU and acc >= 0.85   # lesson 12's quick check

def test_bf16_where_it_pays():
    "`train_cnn(bf16=True)` runs the forward passes in bfloat16 where `bf16_pays`, in float32 elsewhere, and hands back float32 weights"
    from digitlab.models import fast_cnn
    from digitlab.speed import bf16_pays
    from digitlab.recipes import train_cnn
    x, y = _tiny()
    dtypes = []
    model = fast_cnn(); model[1].register_forward_hook(lambda m, inp, out: dtypes.append(out.dtype))
    r = train_cnn(model, epochs=0.5, data=(x, y, x, y), bf16=True, progress=False, device='cpu')
    want = torch.bfloat16 if bf16_pays('cpu') else torch.float32
    assert dtypes[0] == want and dtypes[-1] == torch.float32      # training under autocast; scoring in float32
    assert all(p.dtype == torch.float32 for p in r['model'].parameters())
    assert not bf16_pays('meta')

def test_bf16_only_on_gpus_that_have_it(monkeypatch):
    "A CUDA GPU before Ampere (compute capability 8) would emulate bfloat16, slower than float32; the device asked about is the one checked"
    from digitlab.speed import bf16_pays
    asked = []
    for cap, want in (((7, 5), False), ((8, 0), True), ((9, 0), True)):
        monkeypatch.setattr(torch.cuda, 'get_device_capability', lambda d=None, cap=cap: asked.append(d) or cap)
        assert bf16_pays('cuda:1') is want
    assert len(asked) == 3 and all(torch.device(d) == torch.device('cuda:1') for d in asked)
    assert bf16_pays('mps') is False

def test_sync_waits_for_the_device_in_use(monkeypatch):
    "Timers wait for the GPU they time (`cuda:1` too, not only the current one) or for MPS, and do nothing on the CPU"
    from digitlab.loaders import sync_device
    calls = []
    monkeypatch.setattr(torch.cuda, 'synchronize', lambda d=None: calls.append(('cuda', d)))
    monkeypatch.setattr(torch.mps, 'synchronize', lambda: calls.append(('mps', None)))
    sync_device('cpu'); sync_device('cuda:1'); sync_device(torch.device('mps'))
    assert calls == [('cuda', torch.device('cuda:1')), ('mps', None)]

def test_one_hot_rows_where_the_targets_are():
    from digitlab.losses import one_hot_matrix
    y = torch.tensor([2, 0, 1])
    torch.testing.assert_close(one_hot_matrix(y, 3), torch.eye(3)[y])
    assert one_hot_matrix(y.to('meta'), 3).device.type == 'meta'   # built on the targets' device (meta: shapes only), not always the CPU

@pytest.fixture
def bench(monkeypatch):
    "bench/fast_mnist.py, imported"
    from pathlib import Path
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent/'bench'))
    import fast_mnist
    return fast_mnist

def test_a_gpu_benchmark_is_written_apart(bench):
    "A run on a GPU, or a quick one, never replaces the CPU's full run, which the lessons and the README quote"
    assert [bench.result_file(d) for d in ('cpu', 'cuda', 'cuda:1', 'mps', 'xpu')] == ['fast_mnist.json', 'fast_mnist_gpu.json', 'fast_mnist_gpu.json', 'fast_mnist_mps.json', 'fast_mnist_xpu.json']
    assert bench.result_file('cpu', quick=True) == 'fast_mnist_quick.json' and bench.result_file('cuda', quick=True) == 'fast_mnist_gpu_quick.json'
    assert bench.result_file('cpu', stem='speed_study') == 'speed_study.json' and bench.result_file('cuda', stem='speed_study') == 'speed_study_gpu.json'

def _bench_entries(bench, device):
    "Every entry of the side-by-side table, public and ours, on `device`, with the epochs cut so that a tiny run is quick"
    mine = {k: bench.ours(make, {**kw, 'epochs': 0.5}, device) for k, (make, kw) in bench.our_recipes(epochs=0.5).items()}
    return {'public fast': lambda s, d: bench.train_public_fast(s, d, device=device),
            'pytorch example': lambda s, d: bench.train_pytorch_example(s, d, device=device), **mine}

def test_the_benchmark_trains_every_entry_where_asked(bench, monkeypatch):
    "The peers and ours all on one device, the one asked for, not the one `pick_device` would choose"
    monkeypatch.setenv('DIGITLAB_DEVICE', 'meta')   # a device nothing can train on: no entry may fall back to it
    x, y = _tiny(256)
    for name, run in _bench_entries(bench, 'cpu').items():
        with _Seen() as seen: r = run(0, (x, y, x[:64], y[:64]))
        assert seen == {'cpu'} and 0 <= r['accuracy'] <= 1 and r['seconds'] > 0, name

@gpu
def test_the_benchmark_on_the_gpu(bench, monkeypatch):
    monkeypatch.delenv('DIGITLAB_DEVICE', raising=False)
    x, y = _tiny(256)
    for name, run in _bench_entries(bench, GPU).items():
        with _Seen() as seen: r = run(0, (x, y, x[:64], y[:64]))
        assert seen == {GPU} and 0 <= r['accuracy'] <= 1, name   # trained and scored there, test-time shifts too
    from digitlab.results import matmul_gflops
    assert matmul_gflops(device=GPU) > 0
