"""Do the results table's floors hold on every CPU?

Trains the rows of `digitlab reproduce` in fresh processes, under the machine's own kernels and the AVX2 ones, with 1
and 2 threads and several seeds; prints each row's worst and best run against its floors and writes every run to
bench/results/floors.json (floors_full.json with --full). See bench/README.md.

    python bench/floors.py                          # quick table: 2 kernel sets x 2 thread counts x 3 seeds
    python bench/floors.py --full --seeds 0 1 2     # the long rows' full recipes
    python bench/floors.py --rows 5 --seeds 0 1     # one row (by index in EXPERIMENTS)
    python bench/floors.py --full --from-runs       # the stored runs judged against today's floors (no training)
    python bench/floors.py --rows 7 8 --merge       # re-measure rows whose recipe changed, keep the other rows' record
"""
import argparse, json, sys, time
from pathlib import Path
from common import KERNELS, RESULTS, cpu_flags, machine, run_fresh, save_json

ONE_RUN = """
import json, sys, torch
from digitlab.results import EXPERIMENTS, reproduce
quick, seed, rows = {quick}, {seed}, {rows}
df = reproduce(quick=quick, experiments=[EXPERIMENTS[i] for i in rows], progress=False, seed=seed)
print('RESULT ' + json.dumps(dict(capability=torch.backends.cpu.get_cpu_capability(),
                                  torch_threads=torch.get_num_threads(),
                                  accuracy=df.accuracy.tolist(), seconds=df.seconds.tolist())))
"""

def run_one(quick:bool, seed:int, rows:list, kernels:str, threads:int) -> dict:
    "Train `rows` in a fresh Python process with the given kernel set and thread count; their accuracies"
    env = {**KERNELS[kernels], 'OMP_NUM_THREADS': str(threads), 'MKL_NUM_THREADS': str(threads)}
    return run_fresh(ONE_RUN.format(quick=quick, seed=seed, rows=rows), env,
                     f"run failed (kernels={kernels}, threads={threads}, seed={seed})")

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--full', action='store_true',
                   help="the full recipes of the rows whose full run differs from the quick one")
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    p.add_argument('--kernels', nargs='+', default=list(KERNELS), choices=list(KERNELS))
    p.add_argument('--rows', type=int, nargs='+', help='indices into EXPERIMENTS (default: all that apply)')
    p.add_argument('--out', default=None, help='the JSON file (default: bench/results/floors[_full].json)')
    p.add_argument('--from-runs', action='store_true',
                   help="judge the runs stored in the JSON file against today's floors, training nothing")
    p.add_argument('--merge', action='store_true', help="with --rows: replace those rows' record in the JSON file "
                   "and keep the others' (rows matched by name)")
    args = p.parse_args()
    from digitlab.results import EXPERIMENTS

    out = Path(args.out or RESULTS/('floors_full.json' if args.full else 'floors.json'))
    if args.from_runs:
        return rejudge(out, EXPERIMENTS)
    rows = (args.rows if args.rows is not None
            else [i for i, e in enumerate(EXPERIMENTS) if not args.full or 'quick:' in e.name])
    has512 = 'avx512f' in cpu_flags()
    if not has512:
        print("this CPU has no AVX-512: its default kernels are the AVX2 ones, so both kernel sets compute the same")
    configs = [(k, t, s) for k in args.kernels for t in args.threads for s in args.seeds]
    print(f"{len(configs)} runs of {len(rows)} rows ({'full' if args.full else 'quick'} recipes), "
          "each in a fresh process", flush=True)
    runs, start = [], time.perf_counter()
    for n, (k, t, s) in enumerate(configs, 1):
        r = run_one(not args.full, s, rows, k, t)
        runs.append(dict(kernels=k, threads=t, seed=s, **r))
        print(f"[{n}/{len(configs)}, {time.perf_counter() - start:.0f} s] kernels={k} ({r['capability']}) "
              f"threads={t} seed={s}: " + ' '.join(f'{a:.4f}' for a in r['accuracy']), flush=True)
    meta = dict(full=args.full, seeds=args.seeds, threads=args.threads, kernels=args.kernels, cpu_avx512=has512,
                **machine('cpu', 'cpus', 'torch', 'python', 'when'), seconds=round(time.perf_counter() - start))
    return summarize(meta, rows, runs, out, EXPERIMENTS, merge=args.merge)

def floors_of(e, full:bool) -> dict:
    "The floors a row's runs are judged against: a full run's, or the quick run's (and the full one's, if the same)"
    if full: return {'full': e.floor}
    return {'quick': e.quick_floor} | ({} if 'quick:' in e.name else {'full': e.floor})

def summarize(meta:dict, rows:list, runs:list, out:Path, EXPERIMENTS:list, merge:bool=False) -> int:
    "Per row: the worst and best run against its floors (today's); print it, write it with the runs to `out`"
    summary = []
    for j, i in enumerate(rows):
        e = EXPERIMENTS[i]
        accs = [r['accuracy'][j] for r in runs]
        worst = min(range(len(runs)), key=lambda m: accs[m])
        floors = floors_of(e, meta['full'])
        summary.append(dict(row=i, model=e.name, runs=len(accs), min=min(accs), max=max(accs), floors=floors,
                            worst_run={k: runs[worst][k] for k in ('kernels', 'capability', 'threads', 'seed')},
                            margin=round(min(accs) - max(floors.values()), 4),
                            holds=min(accs) >= max(floors.values())))
    w = max(len(s['model']) for s in summary)
    print(f"\n{'model':{w}s}  {'min':>6s}  {'max':>6s}  floors          margin  worst run")
    for s in summary:
        fl = ', '.join(f'{k} {v}' for k, v in s['floors'].items())
        wr = s['worst_run']
        print(f"{s['model']:{w}s}  {s['min']:.4f}  {s['max']:.4f}  {fl:14s}  {s['margin']:+.4f}  "
              f"{wr['capability']}, {wr['threads']} thr, seed {wr['seed']}"
              + ('' if s['holds'] else '   BELOW FLOOR'))
    record = dict(meta=meta, summary=summary, runs=runs)
    if merge and out.exists():   # the other rows keep their record; rows no longer in EXPERIMENTS are dropped
        old, names = json.loads(out.read_text()), {s['model'] for s in summary}
        now = {e.name: i for i, e in enumerate(EXPERIMENTS)}
        kept = [dict(s, row=now[s['model']]) for s in old['summary'] if s['model'] not in names and s['model'] in now]
        record = dict(old, summary=sorted(kept + summary, key=lambda s: s['row']),
                      merged=old.get('merged', []) + [dict(meta=meta, rows=sorted(names), runs=runs)])
    save_json(out, record, indent=1, newline=False)
    print(f"\nwrote {out}")
    return 0 if all(s['holds'] for s in summary) else 1

def rejudge(out:Path, EXPERIMENTS:list) -> int:
    "The stored worst and best runs of each row judged against today's floors (rows matched by name); rewrite `out`"
    record, now = json.loads(out.read_text()), {e.name: (i, e) for i, e in enumerate(EXPERIMENTS)}
    for s in record['summary']:
        i, e = now[s['model']]
        s['row'], s['floors'] = i, {k: {'quick': e.quick_floor, 'full': e.floor}[k] for k in s['floors']}
        s['margin'], s['holds'] = round(s['min'] - max(s['floors'].values()), 4), s['min'] >= max(s['floors'].values())
        print(f"{s['model']}: {s['min']:.4f} to {s['max']:.4f}, floors {s['floors']}, margin {s['margin']:+.4f}"
              + ('' if s['holds'] else '   BELOW FLOOR'))
    save_json(out, record, indent=1, newline=False)
    return 0 if all(s['holds'] for s in record['summary']) else 1

if __name__ == '__main__': sys.exit(main())
