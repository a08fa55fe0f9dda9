"""The next held-out pictures for lesson 16's digit-or-not reader (issue #34): 16 drawings of everyday things, none
drawn as they are by a generator of appendices A5 and A6 or found in `LETTERS`, `SHAPES`, `PICTURES` or `MORE_PICTURES`.

Written on 2026-12-07, before any model was judged on them, and kept apart on purpose: nothing in the package,
the lessons or the other benchmarks reads them, so they can judge the next version of the method once, after all
its choices are made on validation data. `PICTURES`, the first held-out set, was used up by lesson 16's first
judgement. `MORE_PICTURES` (this file's earlier contents) judges the current method, but it has since served as
validation data too (bench/README.md's scratch studies: an eleventh class, what limits the pictures, pixel
distance), so the next change to the method is judged here.
Whoever judges on these must say so, and write a new set for the attempt after."""
from digitlab.drawing import _arc
from digitlab.sketches import _lines

NEXT_PICTURES = {   # name: strokes in the unit box, x to the right, y down
    'hat': _lines('0,.85 1,.85', '.2,.85 .25,.2 .75,.2 .8,.85'),
    'boot': _lines('.3,0 .3,.7 .1,.75 .1,1 .9,1 .9,.8 .6,.65 .6,0 .3,0'),
    'spoon': [_arc(.5, .2, .18, .2, 0, 360, 24), _lines('.5,.4 .5,1')[0]],
    'scissors': [_arc(.3, .8, .13, .13, 0, 360, 16), _arc(.7, .8, .13, .13, 0, 360, 16)]
                + _lines('.36,.68 .75,0', '.64,.68 .25,0'),
    'kite': _lines('.5,0 .85,.35 .5,.75 .15,.35 .5,0', '.5,0 .5,.75', '.15,.35 .85,.35', '.5,.75 .4,.85 .6,.92 .5,1'),
    'book': _lines('0,.15 .5,.25 1,.15 1,.9 .5,1 0,.9 0,.15', '.5,.25 .5,1'),
    'pencil': _lines('0,.4 .8,.4 1,.5 .8,.6 0,.6 0,.4', '.8,.4 .8,.6', '.15,.4 .15,.6'),
    'bottle': _lines('.4,0 .6,0 .6,.25 .8,.4 .8,1 .2,1 .2,.4 .4,.25 .4,0'),
    'chair': _lines('.25,0 .25,1', '.25,.55 .8,.55 .8,1'),
    'crown': _lines('0,1 0,.2 .25,.6 .5,.1 .75,.6 1,.2 1,1 0,1'),
    'bird': [_arc(.3, .5, .25, .2, 200, 340), _arc(.7, .5, .25, .2, 200, 340)],
    'rain cloud': [_arc(.3, .35, .2, .18, 90, 270) + _arc(.5, .2, .22, .2, 180, 360)[1:]
                   + _arc(.75, .35, .2, .18, 270, 450)[1:] + [(.3, .53)]]
                  + _lines('.25,.7 .2,.85', '.5,.7 .45,.85', '.75,.7 .7,.85', '.38,.85 .33,1', '.63,.85 .58,1'),
    'lamp': _lines('.3,0 .7,0 .9,.4 .1,.4 .3,0', '.5,.4 .5,.9', '.25,1 .75,1 .5,.9 .25,1'),
    'window': _lines('0,0 1,0 1,1 0,1 0,0', '.5,0 .5,1', '0,.5 1,.5'),
    'bicycle': [_arc(.2, .7, .2, .2, 0, 360, 24), _arc(.8, .7, .2, .2, 0, 360, 24)]
               + _lines('.2,.7 .45,.35 .8,.7', '.45,.35 .75,.35 .8,.7', '.4,.25 .5,.25', '.75,.35 .72,.2'),
    'cat': [_arc(.5, .55, .4, .38, 0, 360, 32)] + _lines('.15,.35 .2,0 .4,.2', '.6,.2 .8,0 .85,.35')
           + [_arc(.35, .5, .05, .05, 0, 360, 8), _arc(.65, .5, .05, .05, 0, 360, 8)],
}

if __name__ == '__main__':
    import argparse
    argparse.ArgumentParser(description=__doc__.split('\n\n')[0]).parse_args()
    print(f"{len(NEXT_PICTURES)} pictures, kept for the next judgement: {', '.join(NEXT_PICTURES)}")
