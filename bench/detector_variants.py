"""Variants of lesson 16's digit-or-not model, for issue #34's next step: does a further learned kind help on pictures
the model never learned from? Trains each variant once (seed 0; 5 to 8 minutes each on this machine)
and judges it on validation data only. Nothing here reads the test digits.

Each variant is `train_digit_or_not` (the 50,000 fit digits, 3,000 of them redrawn; marks, figures and letters;
15,000 mangled digits) with a number of *made-up objects* (`made_up_objects`, appendix A5: two to four simple parts,
stacked, side by side, nested or anywhere; lesson 16 now learns from 16,000, the variant 'objects 16k'), and for
some variants new draws of the hand-written tables `LETTERS` and `SHAPES` (and `PICTURES`, in one) as extra
non-digits. 'no objects' is lesson 16's first model.

The thresholds are chosen as lesson 16 chooses them: refuse at most 0.25% of the 10,000 validation digits the
classifier reads right, then catch the most of the four validation sets of non-digits (new draws of marks, figures,
letters in STIX, mangled validation digits). Reported beside them: 1,260 redrawn validation digits, new objects,
and `PICTURES`, the first held-out pictures. Lesson 16 has judged on those once, so they no longer judge; here they
are one more validation set, of drawings of things no generator makes.

usage: python bench/detector_variants.py [--variants NAME ...]   (writes bench/results/detector_variants.json)"""
import argparse, json, os, time
import torch
from common import RESULTS, machine, save_json

def tables(n, seed=0, pictures=False):
    "New draws of the hand-written tables `LETTERS` and `SHAPES` (and `PICTURES`), as `made_up_objects` draws"
    from digitlab.nondigits import _pen_drawings
    from digitlab.sketches import LETTERS, PICTURES, SHAPES
    strokes = list(LETTERS.values()) + list(SHAPES.values()) + (list(PICTURES.values()) if pictures else [])
    return _pen_drawings(n, seed, 112, lambda rng: ('drawing', strokes[rng.integers(len(strokes))]))

VARIANTS = {   # name: (objects, tables, with PICTURES, epochs)
    'no objects': (0, 0, False, 6), 'objects 8k': (8000, 0, False, 6), 'objects 16k': (16000, 0, False, 6),
    'objects 16k, 10 epochs': (16000, 0, False, 10), 'objects 16k, tables 8k': (16000, 8000, False, 6),
    'objects 16k, tables with PICTURES 8k': (16000, 8000, True, 6)}

def train(obj, tab, with_pictures, epochs, seed=0):
    "`train_digit_or_not` with `obj` made-up objects, and `tab` new draws of the tables as extra non-digits"
    from digitlab.verdicts import train_digit_or_not
    m = train_digit_or_not(objects=obj, epochs=epochs, seed=seed, progress=False,
                           extra=tables(tab, seed, with_pictures)[0] if tab else None)
    return m, m.meta['seconds']

def judge(detector):
    "The threshold sweep on validation data, and the shares refused at the chosen thresholds"
    from digitlab.data import load_mnist
    from digitlab.drawing import drawn_digits
    from digitlab.inference import default_model
    from digitlab.loaders import valid_split
    from digitlab.nondigits import VALID_FONTS, made_up_not_digits, made_up_objects, mangled_digits, typeset_letters
    from digitlab.sketches import LETTERS, PICTURES, SHAPES, drawn_tables, figures
    from digitlab.verdicts import choose_thresholds, not_a_digit, threshold_sweep
    model = default_model()
    _, (x_val, y_val) = valid_split(*load_mnist('train'))
    x_dv, d_dv = drawn_digits(x_val, y_val, n=60, seed=11)
    sets = {'val': x_val, 'val drawn': x_dv, 'marks': made_up_not_digits(600, seed=99)[0],
            'figures': figures(600, seed=98)[0], 'stix': typeset_letters(600, seed=97, fonts=VALID_FONTS)[0],
            'mangled': torch.cat([m[:120] for m in mangled_digits(x_val, y_val, seed=1).values()]),
            'objects': made_up_objects(600, seed=96)[0]}
    x_p, d_p = drawn_tables({'picture': PICTURES}, repeats=3, seed=11)
    x_s, d_s = drawn_tables({'letter': LETTERS, 'shape': SHAPES}, seed=11)
    nl = int((d_s.kind == 'letter').sum())
    sets.update({'first pictures': x_p, 'letters': x_s[:nl], 'shapes': x_s[nl:]})
    right = {'val': model.probs(x_val).argmax(1) == y_val,
             'val drawn': model.probs(x_dv).argmax(1) == torch.tensor(d_dv.digit.astype(int).values)}
    P = {k: (model.probs(x), not_a_digit(detector, x)) for k, x in sets.items()}
    sweep = threshold_sweep(P, right, t_nots=(0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98))
    best = choose_thresholds(sweep, 'val', caught=['marks', 'figures', 'stix', 'mangled'])
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
