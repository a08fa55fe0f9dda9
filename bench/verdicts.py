"""The full report of lesson 16, "Digit or not": the verdicts of the default model and the digit-or-not model on test
digits and non-digits: all 10,000 test digits as the lesson, five times its redrawn digits and noise, eight times its
other drawings.

- MNIST's 10,000 test digits, each written to a 28x28 PNG file and read back through `read_digit`;
- test digits redrawn (`drawn_digits`): 100 for every pen of `PENS` (1 to 20 px) in every ink style (2,100);
- the held-out kinds of non-digit: every picture of `MORE_PICTURES`, 5 drawings in each of five pens and three ink
  styles (1,275), and 100 squares of random pixels at each of 28, 100 and 400 pixels a side;
- looked at while building: every letter of `LETTERS` and shape of `SHAPES` (learned kinds, from other tables), and
  every picture of `PICTURES` (the first held-out set, now used up), drawn the same way (3,225).

Prints the share read right with the verdict *digit* and the share refused (*not sure* or *not a digit*), by set
and condition, and writes bench/results/verdicts.json. Uses the models `default_model` and `default_detector` keep
(trained once if missing). Takes about two minutes on two cores.

usage: python bench/verdicts.py [--quick]"""
import argparse, tempfile
from pathlib import Path
import pandas as pd, torch
from PIL import Image
from common import RESULTS, machine, save_json

def main(quick=False):
    from digitlab.data import load_mnist
    from digitlab.drawing import drawn_digits, read_digit
    from digitlab.inference import default_model
    from digitlab.sketches import LETTERS, PICTURES, SHAPES, drawn_tables, held_out_not_digits
    from digitlab.verdicts import NOT_A_DIGIT_ABOVE, UNSURE_BELOW, default_detector, read_images
    model, detector = default_model(), default_detector()
    x, y = load_mnist('test')
    with tempfile.TemporaryDirectory() as d:   # real PNG files, read back as `digitlab predict` reads them
        for i, a in enumerate(x): Image.fromarray((a*255).round().byte().numpy()).save(Path(d)/f'{i}.png')
        x_files = torch.stack([read_digit(Path(d)/f'{i}.png') for i in range(len(x))])
    n, reps, pens = (20, 1, (2, 8, 20)) if quick else (100, 5, (1, 3, 8, 12, 20))
    x_dt, d_dt = drawn_digits(x, y, n=n, seed=5)
    x_h, d_h = held_out_not_digits(repeats=reps, pens=pens, noise=20 if quick else 100, seed=7)
    x_s, d_s = drawn_tables({'letter (learned kind)': LETTERS, 'shape (learned kind)': SHAPES,
                             'first picture (used up)': PICTURES}, repeats=reps, pens=pens, seed=7)
    def said(x): return pd.DataFrame(read_images(model, x, detector))
    drawn = said(x_dt).assign(truth=d_dt.digit.values, set='test digits, redrawn')   # read once, reported twice
    frames = [said(x_files).assign(truth=y.numpy().astype(str), set='MNIST test digits', condition='as PNG files'),
              drawn.assign(condition=[f'pen {p}' for p in d_dt.pen]), drawn.assign(condition=d_dt.ink.values),
              said(x_h).assign(truth='', set=d_h.kind.values, condition=d_h.name.values),
              said(x_s).assign(truth='', set=d_s.kind.values, condition=d_s.name.values)]
    res = pd.concat(frames, ignore_index=True)
    res['right'] = (res.verdict == 'digit') & (res.digit == res.truth)
    res['refused'] = res.verdict != 'digit'
    by_condition = res.groupby(['set', 'condition'], sort=False)[['right', 'refused']].mean()
    skip = res.index[len(frames[0]) + len(frames[1]):len(frames[0]) + 2*len(frames[1])]
    once = res.drop(index=skip)   # each drawing once: the redrawn digits are in the table twice, by pen and by ink
    overall = once.groupby('set', sort=False)[['right', 'refused']].mean()
    print(by_condition.to_string(float_format='{:.1%}'.format))
    print(); print(overall.to_string(float_format='{:.1%}'.format))
    record = dict(**machine('cpu', 'cpus', 'torch_threads', 'torch', 'when'), quick=quick,
                  default_model=dict(recipe=model.arch, test_accuracy=model.meta.get('accuracy')),
                  thresholds=dict(not_a_digit_above=NOT_A_DIGIT_ABOVE, unsure_below=UNSURE_BELOW),
                  sizes={k: int(v) for k, v in once.groupby('set', sort=False).size().items()},
                  overall={s: dict(right=round(r.right, 4), refused=round(r.refused, 4))
                           for s, r in overall.iterrows()},
                  by_condition=[dict(set=s, condition=str(c), right=round(r.right, 4), refused=round(r.refused, 4))
                                for (s, c), r in by_condition.iterrows()])
    save_json(RESULTS/('verdicts_quick.json' if quick else 'verdicts.json'), record)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help="the lesson's size: fewer drawings and noise squares")
    main(p.parse_args().quick)
