"""How the two CNN recipes were chosen: candidates trained on 50,000 training digits,
scored on the 10,000 validation digits.

Each current recipe (`FAST_RECIPE`, `BEST_RECIPE`) is trained beside variations of one setting each; a candidate
replaces it only if its mean validation accuracy beats it by more than the spread between seeds. Writes
bench/results/recipes.json. See bench/README.md.

    python bench/recipes.py                # both studies (about 8 minutes on two idle cores)
    python bench/recipes.py --only fast    # the fast recipe's candidates (2 seeds)
"""
import argparse, json, statistics, sys
from pathlib import Path
from common import RESULTS, machine, save_json

def candidates(FAST_RECIPE, BEST_RECIPE):
    "The recipes compared: the current one first, then variations of one setting each"
    fast = [FAST_RECIPE] + [dict(FAST_RECIPE, **ch) for ch in
            (dict(lr=0.01), dict(lr=0.04), dict(bs=256), dict(lr=0.04, bs=256), dict(epochs=0.6), dict(epochs=1.1),
             dict(betas=(0.9, 0.999)))]
    # 8 epochs each: fewer candidates
    best = [BEST_RECIPE] + [dict(BEST_RECIPE, **ch) for ch in (dict(lr=0.04), dict(augment=False))]
    return fast, best

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--only', choices=['fast', 'best'], help='one study only')
    p.add_argument('--seeds', type=int, nargs='+', help='default: 0 1 for fast, 0 for best (8 epochs each)')
    p.add_argument('--out', default=str(RESULTS/'recipes.json'))
    args = p.parse_args()
    from digitlab.loaders import cnn_tensors
    from digitlab.models import best_cnn, fast_net
    from digitlab.recipes import BEST_RECIPE, FAST_RECIPE, train_cnn
    data = (*cnn_tensors('fit'), *cnn_tensors('valid'))
    fast, best = candidates(FAST_RECIPE, BEST_RECIPE)
    studies = {'fast': (fast_net, fast, args.seeds or [0, 1]), 'best': (best_cnn, best, args.seeds or [0])}
    out = Path(args.out)
    record = json.loads(out.read_text()) if out.exists() else {}
    for name, (make, recipes, seeds) in studies.items():
        if args.only and name != args.only: continue
        rows = []
        for r in recipes:
            accs = []
            for s in seeds:
                res = train_cnn(make(), data=data, seed=s, progress=False, **r)
                accs.append(res['accuracy'])
                print(f"{name} {r} seed {s}: validation accuracy {res['accuracy']:.4f} ({res['seconds']:.0f} s)",
                      flush=True)
            rows.append(dict(recipe=r, accuracies=accs, mean=statistics.mean(accs)))
        # the noise of one comparison: the widest spread between seeds; with one seed, about best_cnn's spread over
        # the 12 runs of bench/results/floors_full.json (0.0008)
        spread = max(max(r['accuracies']) - min(r['accuracies']) for r in rows) if len(seeds) > 1 else 0.001
        current = rows[0]
        better = [r for r in rows[1:] if r['mean'] > current['mean'] + spread]
        chosen = max(better, key=lambda r: r['mean']) if better else current
        record[name] = dict(seeds=seeds, rows=rows, noise=spread, chosen=chosen['recipe'],
                            kept_current=chosen is current, **machine('when', 'torch', 'python'))
        print(f"{name}: {'keep' if chosen is current else 'change to'} {chosen['recipe']} "
              f"(current {current['mean']:.4f}; best candidate {max(r['mean'] for r in rows):.4f}; "
              f"noise {spread:.4f})", flush=True)
        save_json(out, record, indent=1, newline=False)
    print(f'wrote {out}')
    return 0

if __name__ == '__main__': sys.exit(main())
