"""The next held-out pictures for lesson 16's digit-or-not reader (issue #34): 17 drawings of everyday things, none
drawn by a generator of appendix A5 or found in `LETTERS`, `SHAPES` or `PICTURES`.

Written on 2026-12-07, before any model was judged on them, and kept apart on purpose: nothing in the package,
the lessons or the other benchmarks reads them, so they can judge the next version of the method once, after all
its choices are made on validation data. `PICTURES`, the first held-out set, was used up that way by lesson 16.
Whoever judges on these must say so, and write a new set for the attempt after."""
import numpy as np
from digitlab.drawing import _arc

def _lines(*strokes): return [[tuple(float(v) for v in p.split(',')) for p in s.split()] for s in strokes]

def _leaf():
    t = np.linspace(0, 1, 16)
    bx, by = .1 + .8*t, .9 - .8*t
    off = .22*np.sin(np.pi*t)
    up = [(float(x + o*.707), float(y + o*.707)) for x, y, o in zip(bx, by, off)]
    down = [(float(x - o*.707), float(y - o*.707)) for x, y, o in zip(bx, by, off)]
    return [up + down[::-1], [(.02, .98), (.75, .25)]]

NEXT_PICTURES = {   # name: strokes in the unit box, x to the right, y down
    'key': [_arc(.22, .5, .17, .17, 0, 360, 20)] + _lines('.39,.5 1,.5', '.8,.5 .8,.72', '.93,.5 .93,.66'),
    'sailboat': _lines('0,.72 1,.72 .8,1 .2,1 0,.72', '.5,.72 .5,0', '.5,.05 .92,.65 .5,.65'),
    'bell': [[(.12, .82), (.2, .4)] + _arc(.5, .4, .3, .32, 180, 360)[1:] + [(.88, .82), (.12, .82)],
             _arc(.5, .92, .07, .07, 0, 360, 12)],
    'candle': _lines('.35,.38 .65,.38 .65,1 .35,1 .35,.38', '.5,.38 .5,.28') + [_arc(.5, .16, .08, .12, 0, 360, 16)],
    'leaf': _leaf(),
    'mushroom': [_arc(.5, .48, .46, .4, 180, 360) + [(.04, .48)], _lines('.4,.48 .37,1 .63,1 .6,.48')[0]],
    'balloon': [_arc(.5, .35, .3, .35, 0, 360, 32), _lines('.5,.7 .44,.8 .56,.9 .5,1')[0]],
    'flag': _lines('.2,1 .2,0', '.2,0 .9,.2 .2,.42'),
    'glasses': [_arc(.25, .5, .2, .15, 0, 360, 20), _arc(.75, .5, .2, .15, 0, 360, 20)]
               + _lines('.45,.5 .55,.5', '.05,.5 0,.3', '.95,.5 1,.3'),
    'anchor': [_arc(.5, .1, .08, .08, 0, 360, 12)] + _lines('.5,.18 .5,.95', '.3,.32 .7,.32')
              + [_arc(.5, .6, .38, .35, 15, 165)],
    'note': [_arc(.3, .85, .15, .1, 0, 360, 16)] + _lines('.45,.85 .45,.03', '.45,.03 .72,.3 .72,.5'),
    'apple': [_arc(.38, .6, .32, .38, -80, -270) + _arc(.62, .6, .32, .38, 90, -100)] + _lines('.5,.25 .55,.02')
             + [_arc(.7, .1, .12, .06, 0, 360, 12)],
    'ladder': _lines('.25,0 .25,1', '.75,0 .75,1', '.25,.2 .75,.2', '.25,.4 .75,.4', '.25,.6 .75,.6', '.25,.8 .75,.8'),
    'car': _lines('0,.7 0,.45 .2,.45 .3,.2 .7,.2 .8,.45 1,.45 1,.7 0,.7')
           + [_arc(.25, .75, .1, .1, 0, 360, 12), _arc(.75, .75, .1, .1, 0, 360, 12)],
    'snowman': [_arc(.5, .7, .3, .3, 0, 360, 32), _arc(.5, .27, .17, .17, 0, 360, 24)]
               + _lines('.2,.62 0,.45', '.8,.62 1,.45', '.33,.1 .67,.1', '.4,.1 .4,0 .6,0 .6,.1'),
    'ice cream': [_arc(.5, .4, .25, .25, 180, 360) + [(.25, .4)], _lines('.25,.4 .5,1 .75,.4')[0]],
    'clock': [_arc(.5, .5, .5, .5, 0, 360, 40)] + _lines('.5,.5 .5,.18', '.5,.5 .72,.62'),
}

if __name__ == '__main__':
    import argparse
    argparse.ArgumentParser(description=__doc__.split('\n\n')[0]).parse_args()
    print(f"{len(NEXT_PICTURES)} pictures, kept for the next judgement: {', '.join(NEXT_PICTURES)}")
