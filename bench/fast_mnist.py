"""Ten-digit MNIST on this CPU: time to 99% and best accuracy in 3 minutes, each over 3 seeds.

Both recipes are lesson 10's `train_cnn` (one-cycle fused AdamW, label smoothing 0.1, batches of 256,
channels-last tensors in memory); "training time" is the wall clock of the training loop alone: the data
is loaded once before, and the test set is scored after.
- time to 99%: `fast_cnn` (34k parameters) for 1.4 epochs. Target: at least 0.99 test accuracy in at most
  6 s of training, every seed.
- best accuracy: `best_cnn` (61k parameters) for `--epochs` epochs (15) on randomly rotated, scaled and
  shifted digits. Target: at least 0.996 test accuracy within 180 s of training, every seed.
The targets are wall-clock seconds, so they depend on the CPU: the script first measures the machine's
float32 matrix-multiply speed (GFLOP/s, median of 5) and prints it and stores it with the results, so that
runs on different machines can be told apart. (The 2-core machines we develop on differ by about 3x: one
with AVX-512 ran the time-to-99% recipe in 4.6 s; an AVX2-only one at about 134 GFLOP/s needs 15 s.)
Prints each run, then mean and spread (standard deviation, min-max) per recipe, and writes
bench/results/fast_mnist.json. `--quick` runs only the time-to-99% part (about half a minute) and writes
fast_mnist_quick.json instead, so that a quick run never replaces a full one.
Run: `python bench/fast_mnist.py [--quick] [--seeds 3] [--epochs 12]`."""
import argparse, json, os, platform, statistics, time, warnings
from pathlib import Path
import torch
from digitlab.digits import best_cnn, cnn_tensors, fast_cnn, train_cnn

def matmul_gflops(n=1024, reps=5):
    "The machine's float32 matrix-multiply speed on all threads torch uses, GFLOP/s (median of `reps`)"
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3): a@b
    times = []
    for _ in range(reps):
        t = time.perf_counter(); a@b; times.append(time.perf_counter() - t)
    return 2*n**3/statistics.median(times)/1e9

def summary(runs, key):
    v = [r[key] for r in runs]
    return dict(mean=statistics.mean(v), std=statistics.stdev(v) if len(v) > 1 else 0., min=min(v), max=max(v))

def recipe(name, make, seeds, data, target_acc, budget_s, **kw):
    runs = []
    for s in range(seeds):
        r = train_cnn(make(), seed=s, data=data, progress=False, **kw)
        r.pop('model'); runs.append(r)
        print(f"{name:14s} seed {s}: {r['accuracy']:.4f} test accuracy after {r['seconds']:6.1f} s of training")
    acc, sec = summary(runs, 'accuracy'), summary(runs, 'seconds')
    met = all(r['accuracy'] >= target_acc and r['seconds'] <= budget_s for r in runs)
    print(f"{name:14s} accuracy {acc['mean']:.4f} ± {acc['std']:.4f} (min {acc['min']:.4f}, max {acc['max']:.4f}); "
          f"training {sec['mean']:.1f} ± {sec['std']:.1f} s (min {sec['min']:.1f}, max {sec['max']:.1f}); "
          f"target at least {target_acc} within {budget_s} s on every seed: {'met' if met else 'NOT met'}")
    return dict(runs=runs, accuracy=acc, seconds=sec, target_accuracy=target_acc, budget_s=budget_s, met=met, **kw)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='only the time-to-99%% recipe')
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--epochs', type=float, default=15, help="best_cnn's epochs")
    args = ap.parse_args()
    warnings.filterwarnings('ignore')
    gflops = matmul_gflops()
    print(f"machine: {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads, {gflops:.0f} GFLOP/s float32 matmul")
    data = (*cnn_tensors('train'), *cnn_tensors('test'))
    res = {'time to 99%': recipe('time to 99%', fast_cnn, args.seeds, data, 0.99, 6, epochs=1.4)}
    if not args.quick:
        res['best accuracy'] = recipe('best accuracy', best_cnn, args.seeds, data, 0.996, 180, epochs=args.epochs, augment=True)
    out = Path(__file__).parent/'results'
    out.mkdir(exist_ok=True)
    meta = dict(seeds=args.seeds, quick=args.quick, cpus=os.cpu_count(), torch_threads=torch.get_num_threads(), matmul_gflops=round(gflops),
                python=platform.python_version(), torch=torch.__version__, when=time.strftime('%Y-%m-%d'))
    fn = out/('fast_mnist_quick.json' if args.quick else 'fast_mnist.json')
    tmp = fn.with_suffix('.json.tmp'); tmp.write_text(json.dumps(dict(meta=meta, recipes=res), indent=2) + '\n'); os.replace(tmp, fn)
    print(f'wrote {fn}')
