"""MiniLearner against the bare PyTorch loop and fastai's Learner: seconds per epoch, side by side in one run.

Then resnet18 on MNIST_SAMPLE: the chapter's fastai route against the course's route
(the results table's resnet18 row, on all 12,396 training images), alternating, once per seed. Writes
bench/results/learner.json and learner.png. See bench/README.md.

    python bench/learner.py [--epochs 5] [--seeds 3] [--no-resnet]
"""
import argparse, importlib, statistics, time, warnings
import torch, torch.nn.functional as F
from torch import nn
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from fastcore.xtras import atomic_save
from fastai.learner import Learner
from fastai.callback.core import Callback
from fastai.data.core import DataLoaders
from fastai.optimizer import SGD
from fastai.metrics import accuracy
from fastai.data.external import URLs, untar_data
from fastai.vision.data import ImageDataLoaders
from fastai.vision.learner import vision_learner
from torchvision.models import resnet18
from digitlab.all import (BasicOptim, MiniCallback, MiniLearner, TensorLoader, batch_accuracy, load_mnist,
                          mnist_loss, sample_xy, simple_net)
from common import RESULTS, machine, save_json
# imported for what they add to fastai's Learner: `no_bar` and `fit_one_cycle`
for _mod in ('fastai.callback.progress', 'fastai.callback.schedule'): importlib.import_module(_mod)

class EpochTimes:
    "Times each epoch from its first event to its last, inside one `fit` (so per-fit setup is not counted)"
    def before_epoch(self): self.t = time.perf_counter()
    def after_epoch(self): self.times.append(time.perf_counter() - self.t)
    def before_fit(self): self.times = []
class MiniTimes(EpochTimes, MiniCallback): order = -100
class FastaiTimes(EpochTimes, Callback): order = -100

def datasets():
    "name -> (train_x, train_y, valid_x, valid_y, loss, metric, n_out)"
    tx, ty, vx, vy = sample_xy()
    (fx, fy), (gx, gy) = load_mnist('train'), load_mnist('test')
    return {'MNIST_SAMPLE': (tx, ty, vx, vy, mnist_loss, batch_accuracy, 1),
            'full MNIST': (fx.view(-1, 784), fy, gx.view(-1, 784), gy, F.cross_entropy, accuracy, 10)}

def raw_epoch(model, dl, vdl, opt, loss_func, metric):
    "The bare loop: train, then validation loss and metric weighted by batch size"
    model.train()
    for xb, yb in dl:
        loss_func(model(xb), yb).backward(); opt.step(); opt.zero_grad()
    model.eval(); tot = torch.zeros(2); n = 0
    with torch.no_grad():
        for xb, yb in vdl:
            p = model(xb); tot += torch.stack([loss_func(p, yb), metric(p, yb)])*len(yb); n += len(yb)
    return tot/n

def time_epochs(run_epoch, epochs):
    run_epoch()
    ts = []
    for _ in range(epochs):
        t = time.perf_counter(); run_epoch(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def bench_case(data, make_model, lr, bs, epochs):
    tx, ty, vx, vy, loss_func, metric, n_out = data
    dl, vdl = TensorLoader(tx, ty, bs=bs, shuffle=True, seed=0), TensorLoader(vx, vy, bs=bs)
    torch.manual_seed(0); m = make_model(n_out)
    opt = BasicOptim(m.parameters(), lr)
    raw = time_epochs(lambda: raw_epoch(m, dl, vdl, opt, loss_func, metric), epochs)
    torch.manual_seed(0)
    mt = MiniTimes()
    MiniLearner((dl, vdl), make_model(n_out), loss_func, BasicOptim, lr=lr, metrics=[metric], progress=False,
                device='cpu', cbs=[mt]).fit(epochs + 1)
    ours = statistics.median(mt.times[1:])
    torch.manual_seed(0)
    ft = FastaiTimes()
    fa = Learner(DataLoaders(dl, vdl), make_model(n_out), opt_func=SGD, loss_func=loss_func, metrics=metric, cbs=ft)
    with fa.no_bar(), fa.no_logging(): fa.fit(epochs + 1, lr)
    theirs = statistics.median(ft.times[1:])
    return dict(raw_s=raw, mini_s=ours, fastai_s=theirs, mini_over_raw=ours/raw, mini_over_fastai=ours/theirs)

def resnet_fastai(seed):
    "The chapter's route, timed from the folder of PNGs to the end of the one-cycle epoch"
    torch.manual_seed(seed)
    t = time.perf_counter()
    dls = ImageDataLoaders.from_folder(untar_data(URLs.MNIST_SAMPLE))
    learn = vision_learner(dls, resnet18, pretrained=False, loss_func=F.cross_entropy, metrics=accuracy)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(1, 0.1)
    return dict(seconds=time.perf_counter() - t, accuracy=float(learn.recorder.values[-1][2]), bs=dls.bs, seed=seed)

def resnet_mini(seed):
    """The course's route (`train_digit_model('resnet18', 'sample', epochs=1, hold_out=False)`, as the results table
    trains it), timed from the cached arrays to the scored model"""
    from digitlab.inference import train_digit_model
    t = time.perf_counter()
    # all 12,396 training images, as the chapter's route has
    m = train_digit_model('resnet18', 'sample', epochs=1, seed=seed, progress=False, hold_out=False)
    return dict(seconds=time.perf_counter() - t, accuracy=m.meta['accuracy'],
                **{k: m.meta[k] for k in ('bs', 'lr') if k in m.meta}, seed=seed)

def resnet_case(seeds):
    theirs, ours = [], []
    for s in range(seeds):
        f = resnet_fastai(s); theirs.append(f)
        m = resnet_mini(s); ours.append(m)
        print(f"resnet18 / MNIST_SAMPLE, seed {s}: chapter's fastai route {f['seconds']:5.1f} s, "
              f"accuracy {f['accuracy']:.4f};  the course's route {m['seconds']:5.1f} s, "
              f"accuracy {m['accuracy']:.4f}  ({m['seconds']/f['seconds']:.2f}x)")
    ratio = statistics.median(r['seconds'] for r in ours)/statistics.median(r['seconds'] for r in theirs)
    worst_acc = min(r['accuracy'] for r in ours)
    met = ratio <= 0.5 and worst_acc >= 0.995
    print(f"resnet18: median time ratio {ratio:.2f} (target at most 0.5), lowest accuracy {worst_acc:.4f} "
          f"(target at least 0.995): {'met' if met else 'NOT met'}")
    return dict(fastai=theirs, mini=ours, median_ratio=ratio, worst_accuracy=worst_acc, met=met)

def plot(res, rn):
    "Milliseconds per epoch per case, and the resnet18 seconds per seed (if run)"
    fig, axs = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw=dict(width_ratios=[3, 1]))
    ax = axs[0]
    names = list(res); xs = range(len(names))
    for i, (k, lbl) in enumerate([('raw_s', 'bare loop'), ('mini_s', 'MiniLearner'), ('fastai_s', 'fastai Learner')]):
        ax.bar([x + 0.27*(i - 1) for x in xs], [res[n][k]*1e3 for n in names], width=0.27, label=lbl)
    ax.set_xticks(list(xs)); ax.set_xticklabels(names, fontsize=8)
    ax.set(ylabel='ms per epoch', title='Time per epoch, same model, data and batch size'); ax.legend()
    if rn:
        xs = range(len(rn['mini']))
        axs[1].bar([x - 0.2 for x in xs], [r['seconds'] for r in rn['fastai']], width=0.4, color='C2',
                   label='fastai route')
        axs[1].bar([x + 0.2 for x in xs], [r['seconds'] for r in rn['mini']], width=0.4, color='C1',
                   label="the course's route (MiniLearner)")
        axs[1].set_xticks(list(xs)); axs[1].set_xticklabels([f"seed {r['seed']}" for r in rn['mini']], fontsize=8)
        axs[1].set(ylabel='seconds', title='resnet18, 1 epoch, MNIST_SAMPLE'); axs[1].legend(fontsize=7)
    else: axs[1].set_axis_off()
    fig.tight_layout()
    return fig

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--epochs', type=int, default=5, help='timed epochs per case (after one warm-up)')
    ap.add_argument('--bs', type=int, default=256)
    ap.add_argument('--seeds', type=int, default=3, help='seeds of the resnet18 comparison')
    ap.add_argument('--no-resnet', action='store_true', help='skip the resnet18 comparison (about 2 minutes)')
    args = ap.parse_args()
    warnings.filterwarnings('ignore')
    models = {'linear': (lambda n: nn.Linear(784, n), 1.0), 'simple_net': (lambda n: simple_net(n_out=n), 0.1)}
    res = {}
    for dname, data in datasets().items():
        for mname, (make, lr) in models.items():
            r = res[f'{mname} / {dname}'] = bench_case(data, make, lr, args.bs, args.epochs)
            print(f"{mname:10s} {dname:12s}  raw {r['raw_s']*1e3:7.1f} ms  MiniLearner {r['mini_s']*1e3:7.1f} ms  "
                  f"fastai {r['fastai_s']*1e3:7.1f} ms   Mini/raw {r['mini_over_raw']:.2f}  "
                  f"Mini/fastai {r['mini_over_fastai']:.2f}")
    worst = max(r['mini_over_raw'] for r in res.values())
    print(f"worst MiniLearner/raw ratio {worst:.2f} (target at most 1.15): {'met' if worst <= 1.15 else 'NOT met'}")
    rn = None if args.no_resnet else resnet_case(args.seeds)
    meta = dict(bs=args.bs, timed_epochs=args.epochs, **machine('cpus', 'torch_threads', 'python', 'torch'),
                target_mini_over_raw=1.15, worst_mini_over_raw=worst)
    save_json(RESULTS/'learner.json', dict(meta=meta, cases=res, resnet18=rn))
    with atomic_save(RESULTS/'learner.png') as f: plot(res, rn).savefig(f, format='png', dpi=110)
    print(f"wrote {RESULTS/'learner.json'} and {RESULTS/'learner.png'}")
