"""What might meet issue #18's goals: candidates trained on 50,000 training digits, scored on the 10,000 validation
digits, timed beside the public recipe.

Each study is a list of candidates (`candidates()`), trained in turn for every seed after the public recipe on the
same seed, so that every time is a ratio measured side by side. Writes bench/results/speed_study.json (one key per
study; a run of one study keeps the others), or speed_study_gpu.json (Apple's GPU: speed_study_mps.json) for a run on
a GPU. See bench/README.md for the studies and what each one chose.

    python bench/speed_study.py                        # crop and mid2, 3 and 2 seeds: about 6 minutes on two idle cores
    python bench/speed_study.py --only mid6            # one study (fast, fast2, crop, mid to mid7, best, best2)
    python bench/speed_study.py --only best --seeds 0  # other seeds
"""
import argparse, json, statistics, sys, time, warnings
from functools import partial
from pathlib import Path
import torch
from digitlab.learner import MiniCallback
from digitlab.loaders import device_name, pick_device, sync_device
from digitlab.models import best_cnn, fast_cnn, fast_net
from digitlab.recipes import BEST_RECIPE, FAST_RECIPE, RECIPES, train_cnn
from digitlab.results import matmul_gflops
from common import RESULTS, machine, save_json
from fast_mnist import result_file, train_public_fast, warm_up

class Compiled(MiniCallback):
    """Train through `torch.compile(model)`: compiled before training for both batch shapes the run will see;
    `compile_s` says how long that took"""
    order = -30
    def before_fit(self):
        learn = self.learn
        self.orig, compiled = learn.model, torch.compile(learn.model, dynamic=False)
        # the warm-up must not move the weights or the BN statistics
        state = {k: v.clone() for k, v in self.orig.state_dict().items()}
        x, y = learn.train_dl.tensors[:2]
        shapes = {learn.train_dl.bs} | ({learn.train_dl.n % learn.train_dl.bs} - {0})
        t = time.perf_counter()
        for n in shapes:
            learn.loss_func(compiled(x[:n].to(learn.device)), y[:n].to(learn.device)).backward()
        sync_device(learn.device); learn.opt.zero_grad(); self.orig.load_state_dict(state)
        self.compile_s, learn.model = time.perf_counter() - t, compiled
    def after_fit(self): self.learn.model = self.orig

class WeightEMA(MiniCallback):
    """Keep an exponential moving average of the weights and BN statistics, updated every `every` steps; the model
    ends with the average"""
    order = 5
    def __init__(self, decay=0.99, every=5): self.decay, self.every = decay, every
    def before_fit(self):
        self.avg, self.n = {k: v.detach().clone() for k, v in self.learn.model.state_dict().items()}, 0
    def after_step(self):
        self.n += 1
        if self.n % self.every: return
        with torch.no_grad():
            for k, v in self.learn.model.state_dict().items():
                if v.dtype.is_floating_point: self.avg[k].lerp_(v, 1 - self.decay)
                else: self.avg[k].copy_(v)
    def after_fit(self): self.learn.model.load_state_dict(self.avg)

narrow_cnn = partial(fast_cnn, widths=(24, 24, 48))   # `fast_cnn` with 24, 24, 48 channels instead of 32, 32, 64
# the net on the middle 24x24 or 20x20 pixels
middle24, middle20 = partial(fast_cnn, crop=2), partial(fast_cnn, crop=4)
wide20 = partial(fast_cnn, widths=(48, 64, 128), crop=4)
best20 = partial(best_cnn, crop=4)   # `best_cnn` on the middle 20x20 pixels
best24 = partial(best_cnn, crop=2)   # `best_cnn` on the middle 24x24 pixels
# the fast recipe the studies started from ('current' in fast and fast2, 'first recipe' in crop and mid2)
FIRST_FAST = dict(epochs=1.1, lr=0.02, bs=128)

def candidates():
    "{study: [(name, net builder, recipe, callback builders)]}"
    f, n = FIRST_FAST, FAST_RECIPE
    # mid5's choice; a gentler `MiniAugment`
    m, mild = dict(n, epochs=2.75, bs=256, lr=0.03), dict(degrees=5, scale=0.05, shift=0.05)
    chosen = RECIPES['mid'][1]   # mid6's choice: `m` on `mild` augmentation, off for the last 20% of the batches
    return dict(
        fast=[('current', fast_cnn, f, ()),
              ('batches of 256, lr 0.03', fast_cnn, dict(f, bs=256, lr=0.03), ()),
              ('narrow net, batches of 256', narrow_cnn, dict(f, bs=256, lr=0.03), ()),
              ('0.9 epochs', fast_cnn, dict(f, epochs=0.9), ()),
              ('bf16 autocast, batches of 256', fast_cnn, dict(f, bs=256, lr=0.03, bf16=True), ()),
              ('torch.compile', fast_cnn, f, (Compiled,))],
        fast2=[('current', fast_cnn, f, ()),
               ('lr 0.04', fast_cnn, dict(f, lr=0.04), ()),
               ('lr 0.04, 0.9 epochs', fast_cnn, dict(f, lr=0.04, epochs=0.9), ()),
               ('narrow net, lr 0.04', narrow_cnn, dict(f, lr=0.04), ()),
               ('narrow net, lr 0.04, 1.3 epochs, batches of 256', narrow_cnn,
                dict(f, lr=0.04, epochs=1.3, bs=256), ())],
        crop=[('first recipe (1.1 epochs)', fast_cnn, f, ()),
              ('middle 24x24', middle24, f, ()),
              ('middle 20x20', middle20, f, ()),
              ('middle 20x20, 0.8 epochs, lr 0.04', middle20, dict(f, epochs=0.8, lr=0.04), ()),
              ('betas (0.7, 0.9), 0.8 epochs', fast_cnn, n, ()),
              ('middle 20x20, betas (0.7, 0.9), 0.8 epochs', middle20, n, ()),
              ('middle 20x20, betas (0.7, 0.9), 0.7 epochs', middle20, dict(n, epochs=0.7), ()),
              ('middle 20x20, betas (0.7, 0.9), 0.6 epochs', middle20, dict(n, epochs=0.6), ())],
        mid=[('fast_cnn, 5 epochs', fast_cnn, dict(f, epochs=5), ()),
             ('fast_cnn, 5 epochs, augmented', fast_cnn, dict(f, epochs=5, augment=True), ()),
             ('best_cnn, 2 epochs', best_cnn, dict(BEST_RECIPE, epochs=2, augment=False), ())],
        mid2=[('first recipe, 5 epochs', fast_cnn, dict(f, epochs=5), ()),
              ('fast recipe, 5 epochs', fast_net, dict(n, epochs=5), ()),
              ('fast recipe, 8 epochs', fast_net, dict(n, epochs=8), ()),
              ('fast recipe, 5 epochs, augmented', fast_net, dict(n, epochs=5, augment=True), ()),
              ('48, 64, 128 channels, 4 epochs, augmented', wide20, dict(n, epochs=4, augment=True), ())],
        mid3=[('best_cnn, middle 20x20, betas (0.7, 0.9), 2.5 epochs', best20, dict(n, epochs=2.5), ()),
              ('best_cnn, middle 20x20, betas (0.7, 0.9), 3 epochs', best20, dict(n, epochs=3), ()),
              ('best_cnn, middle 20x20, betas (0.7, 0.9), 3 epochs, batches of 256, lr 0.03', best20,
               dict(n, epochs=3, bs=256, lr=0.03), ()),
              ('best_cnn, middle 20x20, betas (0.7, 0.9), 3 epochs, augmented', best20,
               dict(n, epochs=3, augment=True), ())],
        mid4=[('best_cnn, middle 20x20, 3 epochs, batches of 256 (mid3)', best20,
               dict(n, epochs=3, bs=256, lr=0.03), ()),
              ('the same in bf16', best20, dict(n, epochs=3, bs=256, lr=0.03, bf16=True), ()),
              ('best_cnn, middle 24x24, 3 epochs, batches of 256, bf16', best24,
               dict(n, epochs=3, bs=256, lr=0.03, bf16=True), ()),
              ('best_cnn, full picture, 2.5 epochs, batches of 256, bf16', best_cnn,
               dict(n, epochs=2.5, bs=256, lr=0.03, bf16=True), ()),
              ('best_cnn, middle 20x20, 3.5 epochs, batches of 256, bf16', best20,
               dict(n, epochs=3.5, bs=256, lr=0.03, bf16=True), ())],
        mid5=[('best_cnn, middle 20x20, 3 epochs, batches of 256 (mid3)', best20,
               dict(n, epochs=3, bs=256, lr=0.03), ()),
              ('batches of 512, lr 0.04', best20, dict(n, epochs=3, bs=512, lr=0.04), ()),
              ('2.75 epochs', best20, dict(n, epochs=2.75, bs=256, lr=0.03), ()),
              ('lr 0.04', best20, dict(n, epochs=3, bs=256, lr=0.04), ()),
              ('2.75 epochs, batches of 512, lr 0.04', best20, dict(n, epochs=2.75, bs=512, lr=0.04), ())],
        mid6=[('best_cnn, middle 20x20, 2.75 epochs, batches of 256 (mid5)', best20, m, ()),
              ('mild augmentation throughout', best20, dict(m, augment=mild), ()),
              ('milder augmentation throughout', best20, dict(m, augment=dict(degrees=3, scale=0.03, shift=0.03)), ()),
              ('mild augmentation, 2.5 epochs', best20, dict(m, epochs=2.5, augment=mild), ()),
              ('mild augmentation, off for the last 40%', best20, dict(m, augment=dict(mild, until=0.6)), ()),
              ('mild augmentation, off for the last 20%', best20, chosen, ()),
              ('full augmentation, off for the last 20%', best20, dict(m, augment=dict(until=0.8)), ()),
              ('mild, off for the last 20%, lr 0.04', best20, dict(m, lr=0.04, augment=dict(mild, until=0.8)), ())],
        mid7=[('mild augmentation, off for the last 20% (mid6)', best20, chosen, ()),
              ('2.5 epochs', best20, dict(chosen, epochs=2.5), ()),
              ('2.5 epochs, off for the last 10%', best20, dict(chosen, epochs=2.5, augment=dict(mild, until=0.9)), ()),
              ('2.25 epochs', best20, dict(chosen, epochs=2.25), ())],
        best=[('best_cnn, 16 epochs', best_cnn, dict(BEST_RECIPE, epochs=16), ()),
              ('best_cnn, 16 epochs, weight EMA', best_cnn, dict(BEST_RECIPE, epochs=16), (WeightEMA,))],
        best2=[('best_cnn, 16 epochs, augmentation off for the last 10%', best_cnn,
                dict(BEST_RECIPE, epochs=16, augment=dict(until=0.9)), ()),
               # best2's choice
               ('best_cnn, middle 20x20, 32 epochs, augmentation off for the last 10%', best20,
                RECIPES['long'][1], ())])

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--only', choices=list(candidates()), nargs='+', default=['crop', 'mid2'])
    p.add_argument('--seeds', type=int, nargs='+', help='default: 0 1 2 for crop, mid6 and mid7 (their results '
                   'chose recipes of bench/fast_mnist.py), 0 1 for the others')
    p.add_argument('--device',
                   help='where everything trains: cpu, cuda, mps; default: a GPU if there is one, else the CPU')
    p.add_argument('--out',
                   help='default: bench/results/speed_study.json, or speed_study_gpu.json (_mps) for a run on a GPU')
    args = p.parse_args()
    warnings.filterwarnings('ignore')
    from digitlab.loaders import cnn_tensors
    dev = pick_device(args.device)
    gflops = matmul_gflops(device=dev)
    print(f"machine: {torch.get_num_threads()} torch threads, {gflops:.0f} GFLOP/s float32 matmul there; "
          f"training on {device_name(dev)}", flush=True)
    data = (*cnn_tensors('fit'), *cnn_tensors('valid'))
    out = Path(args.out or RESULTS/result_file(dev, stem='speed_study'))
    record = json.loads(out.read_text()) if out.exists() else {}
    for study in args.only:
        rows = {'public fast': []} | {name: [] for name, *_ in candidates()[study]}
        seeds = args.seeds or ([0, 1, 2] if study in ('crop', 'mid6', 'mid7') else [0, 1])
        warm_up([lambda s, d: train_public_fast(s, d, device=dev)] +
                [lambda s, d, make=make, recipe=recipe:
                    train_cnn(make(), data=d, seed=s, progress=False, device=dev, **recipe)
                 for _, make, recipe, _ in candidates()[study]], data, dev)
        for s in seeds:
            pub = train_public_fast(s, data, device=dev); rows['public fast'].append(dict(pub, ratio=1.))
            print(f"{study} seed {s}: {'public fast':32s} {pub['accuracy']:.4f} validation accuracy, "
                  f"{pub['seconds']:6.1f} s", flush=True)
            for name, make, recipe, cbs in candidates()[study]:
                cbs = [c() for c in cbs]
                r = train_cnn(make(), data=data, seed=s, progress=False, cbs=cbs, device=dev, **recipe)
                r.pop('model')
                r['ratio'] = r['seconds']/pub['seconds']
                for c in cbs:
                    if hasattr(c, 'compile_s'): r['compile_s'] = c.compile_s
                rows[name].append(r)
                extra = f" (+{r['compile_s']:.1f} s compiling)" if 'compile_s' in r else ''
                print(f"{study} seed {s}: {name:32s} {r['accuracy']:.4f} validation accuracy, "
                      f"{r['seconds']:6.1f} s{extra}, {r['ratio']:.2f}x", flush=True)
        summary = {}
        for name, rs in rows.items():
            accs, ratios = [r['accuracy'] for r in rs], [r['ratio'] for r in rs]
            summary[name] = dict(runs=rs, accuracy_mean=statistics.mean(accs), accuracy_min=min(accs),
                                 ratio_mean=statistics.mean(ratios), ratio_max=max(ratios))
            print(f"{study}: {name:32s} validation accuracy {statistics.mean(accs):.4f} (min {min(accs):.4f}); "
                  f"time {statistics.mean(ratios):.2f}x the public recipe's (max {max(ratios):.2f}x)", flush=True)
        record[study] = dict(seeds=seeds, candidates=summary, device=device_name(dev), matmul_gflops=round(gflops),
                             **machine('when', 'torch', 'python'))
        save_json(out, record, indent=1, newline=False)
    print(f'wrote {out}')
    return 0

if __name__ == '__main__': sys.exit(main())
