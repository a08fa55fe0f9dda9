"""How far lesson 07's resnet18 run moves between seeds, thread counts and CPU kernels.

Lesson 07 trains the book's resnet18 on MNIST_SAMPLE with fastai (`vision_learner`, `fit_one_cycle(1, 0.1)`) and
counts the validation digits it gets wrong. This script trains the same thing in fresh processes, under the
machine's own kernels and the AVX2 ones, with 1 and 2 threads and several seeds (42 is the lesson's), and writes
every run's accuracy and count of wrong digits to bench/results/resnet_spread.json. The lesson's assertions take
their tolerance from it. See bench/README.md.

    python bench/resnet_spread.py                    # seeds 42 0 1, 1 and 2 threads, both kernel sets: ~15 minutes
    python bench/resnet_spread.py --seeds 42 --threads 1
"""
import argparse, time
from common import KERNELS, RESULTS, cpu_flags, machine, run_fresh, save_json

# the lesson's cells, in order: the seed, the folders, the batch `show_batch` draws, the learner, one cycle
ONE_RUN = """
import json, torch
from fastai.vision.all import *
from digitlab.all import *
set_seed({seed}, reproducible=True)
dls = ImageDataLoaders.from_folder(mnist_sample(verbose=False))
dls.train.one_batch()   # lesson 07 shows a batch first: it draws from the same random numbers
learn = vision_learner(dls, resnet18, pretrained=False, loss_func=F.cross_entropy, metrics=accuracy)
with learn.no_bar(): learn.fit_one_cycle(1, 0.1)
acc = float(learn.recorder.values[-1][2])   # as the lesson reads it
preds, targs = learn.get_preds()
print('RESULT ' + json.dumps(dict(capability=torch.backends.cpu.get_cpu_capability(),
                                  torch_threads=torch.get_num_threads(), accuracy=acc,
                                  wrong=int((preds.argmax(1) != targs).sum()))))
"""

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[42, 0, 1])
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    p.add_argument('--kernels', nargs='+', default=list(KERNELS), choices=list(KERNELS))
    args = p.parse_args()
    kernels = [k for k in args.kernels if k == 'default' or 'avx512f' in cpu_flags()]   # AVX2 is the default there
    runs, start = [], time.perf_counter()
    for seed in args.seeds:
        for k in kernels:
            for t in args.threads:
                env = {**KERNELS[k], 'OMP_NUM_THREADS': str(t), 'MKL_NUM_THREADS': str(t)}
                r = dict(seed=seed, kernels=k, threads=t,
                         **run_fresh(ONE_RUN.format(seed=seed), env, f"run failed (seed {seed}, {k}, {t} threads)"))
                runs.append(r)
                print(f"seed {seed:2d}, {k:7s} kernels ({r['capability']}), {t} threads: accuracy {r['accuracy']:.4f}, "
                      f"{r['wrong']} of 2,038 wrong", flush=True)
    accs, wrong = [r['accuracy'] for r in runs], [r['wrong'] for r in runs]
    print(f"{len(runs)} runs: accuracy {min(accs):.4f} to {max(accs):.4f}; wrong {min(wrong)} to {max(wrong)}")
    meta = dict(**machine('cpu', 'cpus', 'python', 'torch', 'when'), seconds=round(time.perf_counter() - start))
    save_json(RESULTS/'resnet_spread.json', dict(meta=meta, runs=runs, accuracy=[min(accs), max(accs)],
                                                 wrong=[min(wrong), max(wrong)]))

if __name__ == '__main__': main()
