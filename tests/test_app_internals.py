"""The drawing reader and the page's internals (`digitlab.drawing` and `digitlab.app`), beside lessons 15, "Drawn digits", and 17, "The
draw-a-digit app" (nbs/15_drawn_digits.ipynb, nbs/17_draw_app.ipynb).

The lessons show each step on a few examples; these tests check what a learner need not read: the geometry of
`draw_digit`, `even_strokes` on strokes too thin, too thick and already in MNIST's range, that `MNIST_STROKE` holds
on validation digits it was not read from, a Gradio sketchpad's value at every entry point, the messages
`read_canvas` gives instead of an answer, and that the page's models are loaded from their files, not trained
again. The page itself, in a real browser, is tests/test_app.py. Nothing here trains: the course's default models
are loaded (trained once on first use, as the lessons do)."""
import numpy as np, pytest, torch
from PIL import Image
import digitlab.inference as inference
from digitlab.app import course_models, read_canvas
from digitlab.drawing import (MNIST_STROKE, canvas_ink, canvas_is_empty, canvas_rgba, draw_digit, even_strokes, ink_extent,
                              read_digit, stroke_width)
from digitlab.data import load_mnist
from digitlab.images import DigitImageError
from digitlab.inference import DigitModel
from digitlab.loaders import valid_split

def ink(img) -> np.ndarray: return canvas_ink(canvas_rgba(img))
def rel_width(mask) -> float: return stroke_width(mask)/ink_extent(mask)

def sketchpad(img=None) -> dict:
    "What a Gradio sketchpad hands over: the drawing is its `composite` (None before anything is drawn)"
    return {'background': np.full((400, 400, 4), 255, np.uint8), 'layers': [], 'composite': None if img is None else np.asarray(img)}

def test_draw_digit_geometry():
    "One upright stroke is `height` of the canvas tall plus the pen's round ends, and a pen wide; `centre` and `slant` move it"
    bar = ink(draw_digit('1', strokes=[[(0.5, 0), (0.5, 1)]], pen=10, paper=(0, 0, 0, 0))) > 0.5
    ys, xs = np.nonzero(bar)
    assert abs(bar.any(1).sum() - (0.7*400 + 10)) <= 1.5 and abs(bar.any(0).sum() - 10) <= 1.5
    assert abs(xs.mean() - 200) <= 1 and abs(ys.mean() - 200) <= 1
    moved = np.nonzero(ink(draw_digit('1', strokes=[[(0.5, 0), (0.5, 1)]], pen=10, height=0.3, centre=(0.25, 0.75))) > 0.5)
    assert abs(moved[1].mean() - 100) <= 1 and abs(moved[0].mean() - 300) <= 1
    top, bottom = [np.nonzero(r)[0].mean() for r in ink(draw_digit('1', strokes=[[(0.5, 0), (0.5, 1)]], slant=0.25))[[80, 320]] > 0.5]
    assert top - bottom == pytest.approx(0.25*0.7*400*240/280, abs=2)   # the top leans right by `slant` of the height

@pytest.mark.parametrize('paper', ['white', 'black', (0, 0, 0, 0), (60, 60, 255, 255)])
def test_an_empty_canvas_of_any_paper_is_refused(paper):
    blank = Image.new('RGBA', (400, 400), paper)
    assert canvas_is_empty(ink(blank))
    with pytest.raises(DigitImageError, match='the canvas is empty: draw a digit first'): read_digit(blank)

@pytest.mark.parametrize('what, img', [('thin 3', draw_digit('3', pen=3, height=0.8)), ('small 8, fat pen', draw_digit('8', pen=40, height=0.3)),
                                       ('small 1, fat pen', draw_digit('1', pen=40, height=0.3))])
def test_even_strokes_brings_strokes_into_mnists_range(what, img):
    before, after = rel_width(ink(img) > 0.5), rel_width(even_strokes(ink(img)) > 0.5)
    assert not MNIST_STROKE[0] <= before <= MNIST_STROKE[1], f'{what} was already in range: {before:.3f}'
    assert MNIST_STROKE[0] - 0.01 <= after <= MNIST_STROKE[1] + 0.02, f'{what}: {after:.3f}'   # near: the measure is not exactly linear in r

def test_even_strokes_leaves_strokes_in_range_alone():
    for pen in (30, 40):   # a 280-pixel-tall 5: strokes 0.11 and 0.14 of its size
        five = ink(draw_digit('5', pen=pen))
        assert MNIST_STROKE[0] <= rel_width(five > 0.5) <= MNIST_STROKE[1]
        assert even_strokes(five).sum() == (five > 0.5).sum()   # not a pixel added or taken away

def test_mnist_stroke_holds_on_validation_digits():
    "Lesson 15 reads `MNIST_STROKE` from 1,000 fit digits: on 1,000 validation digits, never used for it, it is within 0.01"
    (_, _), (x_val, _) = valid_split(*load_mnist('train'))
    rel = [rel_width(np.asarray(Image.fromarray(a.numpy()).resize((420, 420), Image.Resampling.BILINEAR)) > 0.5) for a in x_val[:1000]]
    assert np.percentile(rel, [10, 90]) == pytest.approx(MNIST_STROKE, abs=0.01)

def test_a_sketchpad_value_reads_as_its_drawing():
    five = draw_digit('5', pen=8)
    torch.testing.assert_close(read_digit(sketchpad(five)), read_digit(five))
    with pytest.raises(DigitImageError, match='the canvas is empty: draw a digit first'): read_digit(sketchpad())

@pytest.fixture(scope='module')
def models() -> dict: return course_models(verbose=False)

def test_read_canvas_answers_every_input(models, tmp_path, monkeypatch):
    assert read_canvas(sketchpad(), models) == ({}, None, [], '**Draw a digit first**')
    guesses, seen, rows, said = read_canvas(sketchpad(draw_digit('5', pen=8)), models)
    assert list(guesses)[0] == '5' and seen.shape == (224, 224) and seen.dtype == np.uint8 and said.startswith('**5** (')
    assert [r[0] for r in rows] == list(models) and rows[-1][1] == '5'
    monkeypatch.chdir(tmp_path)   # files named as a user types them
    (tmp_path/'notes.txt').write_text('not a picture')
    assert read_canvas('notes.txt', models)[-1] == "**Cannot read this image**: notes.txt: not an image (expected PNG, JPEG or another format Pillow reads)"
    upload = tmp_path/'gradio'/'4f3a'/'blank.png'; upload.parent.mkdir(parents=True)   # where Gradio keeps an upload
    Image.new('RGB', (60, 60), 'white').save(upload)
    assert read_canvas(str(upload), models)[-1] == '**Cannot read this image**: blank.png: no digit found (almost no contrast between ink and paper)'
    two = read_canvas(draw_digit('3', pen=3, height=0.8), {'3 or 7': DigitModel('linear', ['3', '7'])})   # an untrained model of two classes
    assert set(two[0]) == {'3', '7'} and len(two[2]) == 1

def test_the_page_shows_the_image_the_model_reads(models):
    "The 28x28 image, enlarged 8 times without smoothing, dark on light"
    x = read_digit(draw_digit('7'))
    seen = read_canvas(draw_digit('7'), models)[1]
    np.testing.assert_array_equal(seen[::8, ::8], ((1 - x.numpy())*255).round().astype(np.uint8))
    blocks = seen.reshape(28, 8, 28, 8)
    assert (blocks == blocks[:, :1, :, :1]).all()   # each pixel an 8x8 square of one grey: no smoothing at the ink's edges

def test_course_models_are_loaded_not_trained_again(models, monkeypatch):
    def fail(*args, **kwargs): raise AssertionError('default_model trained a model again instead of loading its file')
    monkeypatch.setattr(inference, 'train_digit_model', fail)
    again = course_models(verbose=False)
    assert list(again) == list(models) == ['nearest mean', 'linear model', 'two-layer net', 'CNN']
    for name in ('linear model', 'two-layer net', 'CNN'): assert again[name].meta == models[name].meta
    torch.testing.assert_close(again['nearest mean'], models['nearest mean'])
