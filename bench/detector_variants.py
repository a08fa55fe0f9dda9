"""Variants of lesson 16's digit-or-not model, for issue #34's next step: does a further learned kind help on pictures
the model never learned from? Trains each variant once (seed 0, one thread each took 5 to 8 minutes on this machine)
and judges it on validation data only. Nothing here reads the test digits.

Every variant learns what `train_digit_or_not` learns (the 50,000 fit digits, 3,000 of them redrawn; marks, figures
and letters; 15,000 mangled digits), plus:
- *objects*: made-up drawings of two to four simple parts (a line, a zigzag, an arc, a ring, a triangle, a box, a
  hook, a crescent, a tick), stacked, side by side, nested or overlapping (`made_up_object`);
- for some variants, new draws of the hand-written tables `LETTERS` and `SHAPES` (and `PICTURES`, in one variant).

The thresholds are chosen as lesson 16 chooses them: refuse at most 0.25% of the 10,000 validation digits the
classifier reads right, then catch the most of the four validation sets of non-digits (new draws of marks, figures,
letters in STIX, mangled validation digits). Reported beside them: 1,260 redrawn validation digits, new objects,
and `PICTURES`, the first held-out pictures. Lesson 16 has judged on those once, so they no longer judge; here they
are one more validation set, of drawings of things no generator makes.

usage: python bench/detector_variants.py [--variants NAME ...]   (writes bench/results/detector_variants.json)"""
import argparse, itertools, json, os, time
import numpy as np, pandas as pd, torch
from common import RESULTS, machine, save_json

def _box(strokes, x0, y0, w, h): return [[(x0 + w*x, y0 + h*y) for x, y in st] for st in strokes]

def part(rng):
    "One simple part in the unit box"
    from digitlab.drawing import _arc
    k = rng.integers(9)
    if k == 0: return [[(0, rng.uniform()), (1, rng.uniform())]]                             # a line
    if k == 1:
        n = int(rng.integers(3, 6)); return [[(i/(n - 1), float(i % 2)) for i in range(n)]]   # a zigzag
    if k == 2:
        a0 = rng.uniform(0, 360); return [_arc(.5, .5, .5, .5, a0, a0 + rng.uniform(100, 250))]  # an open arc
    if k == 3: return [_arc(.5, .5, .5, .5, 0, 360)]                                           # a ring
    if k == 4:                                                                                 # a triangle
        return [[(.5, 0), (1, 1), (0, 1), (.5, 0)]] if rng.random() < .5 else [[(0, 0), (1, 0), (.5, 1), (0, 0)]]
    if k == 5: return [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]                               # a box
    if k == 6: return [[(.5, 0), (.5, .75)] + _arc(.3, .75, .2, .2, 0, 180)[1:]]               # a hook
    if k == 7: return [_arc(.5, .5, .5, .5, 90, 270) + _arc(.8, .5, .4, .45, 250, 110)[1:]]    # a crescent
    return [[(0, rng.uniform(.3, .6)), (rng.uniform(.3, .5), 1), (1, 0)]]                       # a tick

def made_up_object(rng):
    "Two to four parts, stacked, side by side, one inside another, or anywhere"
    parts, out = [part(rng) for _ in range(int(rng.integers(2, 5)))], []
    layout = rng.integers(4)
    for i, p in enumerate(parts):
        if layout == 0:
            h = 1/len(parts); out += _box(p, rng.uniform(0, .3), i*h, rng.uniform(.4, .7), h*rng.uniform(.8, 1.2))
        elif layout == 1:
            w = 1/len(parts); out += _box(p, i*w, rng.uniform(0, .3), w*rng.uniform(.8, 1.2), rng.uniform(.4, .7))
        elif layout == 2:
            s = 1. if i == 0 else rng.uniform(.3, .6)**i
            out += _box(p, (1 - s)/2 + rng.normal(0, .05), (1 - s)/2 + rng.normal(0, .05), s, s)
        else:
            w, h = rng.uniform(.3, .8, 2); out += _box(p, rng.uniform(0, 1 - w), rng.uniform(0, 1 - h), w, h)
    return out

def _drawings(n, seed, strokes_of, size=112):
    from digitlab.drawing import INK_STYLES, PENS, draw_strokes
    from digitlab.nondigits import _drawn
    def make(rng, i):
        return 'drawing', draw_strokes(strokes_of(rng), rng, rng.choice(PENS[:5]), list(INK_STYLES)[i % 3], size)
    return _drawn(n, seed, size, make)

def objects(n, seed=0): return _drawings(n, seed, made_up_object)

def tables(n, seed=0, pictures=False):
    from digitlab.verdicts import LETTERS, PICTURES, SHAPES
    strokes = list(LETTERS.values()) + list(SHAPES.values()) + (list(PICTURES.values()) if pictures else [])
    return _drawings(n, seed, lambda rng: strokes[rng.integers(len(strokes))])

VARIANTS = {   # name: (objects, tables, with PICTURES, mangled kinds left out, epochs)
    'objects 8k': (8000, 0, False, (), 6), 'objects 8k, no half digits': (8000, 0, False, ('half',), 6),
    'objects 16k': (16000, 0, False, (), 6), 'objects 16k, 10 epochs': (16000, 0, False, (), 10),
    'objects 16k, tables 8k': (16000, 8000, False, (), 6),
    'objects 16k, tables with PICTURES 8k': (16000, 8000, True, (), 6)}

def train(obj, tab, with_pictures, leave_out, epochs, seed=0, drawn=3000, each=8000):
    "`train_digit_or_not`, with objects and tables among the non-digits"
    from digitlab.data import load_mnist
    from digitlab.drawing import INK_STYLES, PENS, read_digit, redraw
    from digitlab.inference import DigitModel
    from digitlab.loaders import normalise, valid_split
    from digitlab.models import best_cnn
    from digitlab.nondigits import figures, made_up_not_digits, mangled_digits, typeset_letters
    from digitlab.recipes import train_cnn
    (x, y), _ = valid_split(*load_mnist('train'))
    rng = np.random.default_rng(seed)
    pos = [read_digit(redraw(x[i], rng.choice(PENS), list(INK_STYLES)[i % 3], height=rng.uniform(.45, .85), size=112))
           for i in range(drawn)]
    mangled = torch.cat([v for k, v in mangled_digits(x, y, seed).items() if k not in leave_out])
    neg = torch.cat([make(each, seed)[0] for make in (made_up_not_digits, figures, typeset_letters)]
                    + ([objects(obj, seed)[0]] if obj else []) + ([tables(tab, seed, with_pictures)[0]] if tab else [])
                    + [mangled[torch.randperm(len(mangled), generator=torch.Generator().manual_seed(seed))[:15000]]])
    xs = torch.cat([x, torch.stack(pos), neg])
    ys = torch.cat([torch.zeros(len(x) + drawn), torch.ones(len(neg))]).long()
    r = train_cnn(best_cnn(2), epochs=epochs, lr=0.02, augment=True, seed=seed, progress=False,
                  data=(normalise(xs)[:, None], ys, normalise(xs[::50])[:, None], ys[::50]))
    return DigitModel('best', ['digit', 'not a digit'], r['model'], dict(seed=seed)), r['seconds']

def judge(detector):
    "The threshold sweep on validation data, and the shares refused at the chosen thresholds"
    from digitlab.data import load_mnist
    from digitlab.drawing import drawn_digits
    from digitlab.inference import default_model
    from digitlab.loaders import valid_split
    from digitlab.nondigits import VALID_FONTS, figures, made_up_not_digits, mangled_digits, typeset_letters
    from digitlab.verdicts import LETTERS, PICTURES, SHAPES, drawn_tables, not_a_digit
    model = default_model()
    _, (x_val, y_val) = valid_split(*load_mnist('train'))
    x_dv, d_dv = drawn_digits(x_val, y_val, n=60, seed=11)
    sets = {'val': x_val, 'val drawn': x_dv, 'marks': made_up_not_digits(600, seed=99)[0],
            'figures': figures(600, seed=98)[0], 'stix': typeset_letters(600, seed=97, fonts=VALID_FONTS)[0],
            'mangled': torch.cat([m[:120] for m in mangled_digits(x_val, y_val, seed=1).values()]),
            'objects': objects(600, seed=96)[0]}
    x_p, d_p = drawn_tables({'picture': PICTURES}, repeats=3, seed=11)
    x_s, d_s = drawn_tables({'letter': LETTERS, 'shape': SHAPES}, seed=11)
    nl = int((d_s.kind == 'letter').sum())
    sets.update({'first pictures': x_p, 'letters': x_s[:nl], 'shapes': x_s[nl:]})
    right = {'val': model.probs(x_val).argmax(1) == y_val,
             'val drawn': model.probs(x_dv).argmax(1) == torch.tensor(d_dv.digit.astype(int).values)}
    P = {k: (model.probs(x), not_a_digit(detector, x)) for k, x in sets.items()}
    rows = []
    for t_not, t_uns in itertools.product((0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98), (0., 0.3, 0.4)):
        r = {}
        for k, (p, q) in P.items():
            ref = (q > t_not) | (p.max(1).values < t_uns)
            r[k] = (ref[right[k]] if k in right else ref).float().mean().item()
        rows.append(dict(t_not=t_not, t_unsure=t_uns, **r))
    df = pd.DataFrame(rows); df['mean_non'] = df[['marks', 'figures', 'stix', 'mangled']].mean(axis=1)
    ok = df[df.val <= 0.0025]; best = ok.loc[ok.mean_non.idxmax()]
    p, q = P['first pictures']
    d_p['refused'] = ((q > best.t_not) | (p.max(1).values < best.t_unsure)).numpy()
    return best, d_p.groupby('name').refused.mean()

def main(names):
    out = RESULTS/'detector_variants.json'
    record = json.loads(out.read_text()) if out.exists() else {}
    record.update(machine('cpu', 'cpus', 'torch_threads', 'torch', 'when'))
    for name in names:
        t = time.time()
        detector, secs = train(*VARIANTS[name])
        best, per_picture = judge(detector)
        print(f'{name}: trained in {secs:.0f} s; chosen', best.round(4).to_dict(), flush=True)
        print(per_picture.sort_values().to_string(float_format='{:.0%}'.format), flush=True)
        record.setdefault('variants', {})[name] = dict(
            seconds=round(time.time() - t), chosen={k: round(float(v), 4) for k, v in best.items()},
            first_pictures={k: round(float(v), 4) for k, v in per_picture.items()})
        save_json(out, record)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--variants', nargs='+', default=list(VARIANTS), choices=list(VARIANTS), metavar='NAME')
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', torch.get_num_threads())))
    main(p.parse_args().variants)
