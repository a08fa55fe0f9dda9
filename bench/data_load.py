"""How fast does `load_mnist` give all 70,000 digits as tensors, against decoding the PNGs one by one?

Both routes run in this one run, on the same files; writes bench/results/data_load.json. See bench/README.md.

    python bench/data_load.py [--repeats 3]
"""
import argparse, time
import numpy as np, torch
from PIL import Image
from fastprogress.fastprogress import progress_bar
import digitlab.data as dd
import digitlab.idx as di
from common import RESULTS, machine, save_json

def png_route(folder):
    "The book's way: open, decode and stack every PNG, one file at a time"
    out = {}
    for split in ('training', 'testing'):
        files = sorted(folder.glob(f'{split}/*/*.png'))
        ims = [np.array(Image.open(f)) for f in progress_bar(files, leave=False)]
        out[split] = (torch.from_numpy(np.stack(ims)).float()/255, torch.tensor([int(f.parent.name) for f in files]))
    return out

def fast_route():
    "digitlab's loader, from a cold in-process cache (the arrays are read from disk again)"
    dd._load_arrays.cache_clear()
    return {s: dd.load_mnist(s) for s in ('train', 'test')}

def idx_route():
    "The four gzipped IDX files (`DIGITLAB_MNIST_DIR`'s, else the package's), parsed and checked, with no cache"
    d = di.idx_dir() or di.mnist_package_dir()
    return {s: di.read_mnist_idx(d, s) for s in ('train', 'test')}

def timed(f, repeats):
    ts = []
    for _ in range(repeats):
        t = time.perf_counter(); res = f(); ts.append(time.perf_counter() - t)
    return res, ts

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--repeats', type=int, default=3,
                    help='runs of each route (the PNG route runs once: it is the slow one)')
    args = ap.parse_args()
    folder = dd.mnist_full(verbose=True)
    fast, t_fast = timed(fast_route, args.repeats)
    pngs, t_png = timed(lambda: png_route(folder), 1)
    _, t_idx = timed(idx_route, args.repeats)
    n = sum(len(y) for _, y in fast.values())
    assert n == sum(len(y) for _, y in pngs.values()), 'the two routes gave different numbers of digits'
    # same pixels: the PNG route is grouped by digit, so compare the sorted pixel sums per split
    for (xf, _), (xp, _) in zip(fast.values(), pngs.values()):
        assert torch.equal(xf.sum((1, 2)).sort().values, xp.sum((1, 2)).sort().values), \
            'the two routes gave different pixels'
    # the headline is the first run, as a learner's first call meets it; every run must meet the target
    res = dict(digits=n, fast_loader_s=t_fast[0], fast_loader_runs_s=t_fast, png_route_s=t_png[0],
               idx_files_s=min(t_idx),
               speedup=t_png[0]/t_fast[0], target_s=1.0, meets_target=max(t_fast) < 1.0,
               **machine('cpu', 'cpus', 'torch_threads', 'python', 'torch', 'when'))
    print(f"{n:,} digits as tensors")
    print(f"  load_mnist (cached arrays)  {res['fast_loader_s']:7.3f} s   "
          f"(first run; all {args.repeats}: {', '.join(f'{t:.3f}' for t in t_fast)})")
    print(f"  parse the IDX .gz files     {res['idx_files_s']:7.3f} s   (best of {args.repeats})")
    print(f"  decode PNGs one by one      {res['png_route_s']:7.3f} s")
    print(f"  PNG route / load_mnist      {res['speedup']:7.1f} x     "
          f"target: every load_mnist run under 1 s: {'met' if res['meets_target'] else 'NOT met'}")
    out = RESULTS/'data_load.json'
    save_json(out, res)
    print(f"wrote {out}")
