"""Reading user files and keeping models (`digitlab.images`, `digitlab.inference`, lesson 14): every refusal names
the file and says what is wrong, a save is atomic, and the default model is trained once, cached, locked and
replaced when its file is damaged. Nothing trains for more than a few seconds: one linear model on MNIST_SAMPLE,
and the default model's training is replaced by a function that returns it."""
import contextlib, io, random, threading, time
from pathlib import Path
import pytest, torch
from PIL import Image, ImageDraw
from fastai.data.external import fastai_cfg
import digitlab.inference as inference
import digitlab.verdicts  # noqa: F401  (defines `DigitModel.predict`)
from digitlab.images import DigitImageError, mnistify
from digitlab.inference import (DigitModel, DigitModelError, default_model, default_model_path,
                                train_digit_model)

def draw_seven(size=200, width=14, offset=(-20, 10)) -> Image.Image:
    "A 7 drawn dark on cream paper, as lesson 14 draws it"
    img, (ox, oy) = Image.new('RGB', (size, size), (245, 240, 230)), offset
    d = ImageDraw.Draw(img)
    d.line([(ox + x*size, oy + y*size) for x, y in [(0.30, 0.22), (0.72, 0.22), (0.42, 0.85)]], fill=(30, 30, 60), width=width, joint='curve')
    d.line([(ox + 0.42*size, oy + 0.52*size), (ox + 0.64*size, oy + 0.52*size)], fill=(30, 30, 60), width=width)
    return img

@pytest.fixture(scope='module')
def lin() -> DigitModel:
    "A linear model of 3s and 7s, trained for one epoch on MNIST_SAMPLE (a few seconds)"
    return train_digit_model('linear', data='sample', epochs=1, progress=False)

@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    "A new, empty FASTAI_HOME, so that `default_model` finds no cached model"
    monkeypatch.setenv('FASTAI_HOME', str(tmp_path/'fastai_home'))
    fastai_cfg.cache_clear()
    yield tmp_path/'fastai_home'
    fastai_cfg.cache_clear()

@pytest.fixture
def files(tmp_path) -> Path:
    "A folder with a good picture, a text file, a PNG cut off halfway and a subfolder"
    draw_seven().save(tmp_path/'seven.png')
    (tmp_path/'notes.txt').write_text('not a picture')
    buf = io.BytesIO(); draw_seven().save(buf, format='PNG')
    (tmp_path/'cut.png').write_bytes(buf.getvalue()[:len(buf.getvalue())//2])
    (tmp_path/'folder.png').mkdir()
    return tmp_path

def test_pictures_are_refused_by_name(files):
    for name, exc, msg in [('notes.txt', DigitImageError, 'notes.txt: not an image'),
                           ('cut.png', DigitImageError, 'cut.png: damaged or truncated image'),
                           ('missing.png', FileNotFoundError, 'missing.png: no such image file'),
                           ('folder.png', IsADirectoryError, 'folder.png: a folder, not an image file')]:
        with pytest.raises(exc, match=msg): mnistify(files/name)
        with pytest.raises(exc, match=msg): mnistify(str(files/name))
    with pytest.raises(DigitImageError, match='no digit found'): mnistify(Image.new('RGB', (50, 50), 'white'))
    with pytest.raises(DigitImageError, match='too small to hold a digit'): mnistify(Image.new('L', (5, 1)))
    with pytest.raises(DigitImageError, match=r'got shape \(2, 3, 5, 5\)'): mnistify(torch.zeros(2, 3, 5, 5))
    with pytest.raises(TypeError, match='not int'): mnistify(7)

def test_a_phone_sized_photo_is_read_quickly(lin):
    big = draw_seven(size=3000, width=200, offset=(400, -300))
    start = time.perf_counter(); m = mnistify(big); took = time.perf_counter() - start
    assert m.shape == (28, 28) and took < 5, took
    ys, xs = (m > 0.05).nonzero(as_tuple=True)
    assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 == 20
    judge = DigitModel('linear', ['digit', 'not a digit'])   # untrained: the digit is the classifier's, whatever it says
    assert lin.predict(big, judge)['digit'] == '7' and lin.predict(draw_seven(), judge)['digit'] == '7'

def test_predict_files_keeps_going_past_bad_files(lin, files):
    from digitlab.verdicts import predict_files
    names = ['seven.png', 'notes.txt', 'cut.png', 'missing.png', 'folder.png']
    preds, bad = predict_files(lin, [files/n for n in names], DigitModel('linear', ['digit', 'not a digit']))
    assert [Path(p['file']).name for p in preds] == ['seven.png'] and preds[0]['digit'] == '7'
    assert set(preds[0]['probabilities']) == {'3', '7'}
    assert [Path(f).name for f, _ in bad] == names[1:]
    assert all(Path(f).name in why for f, why in bad)
    assert predict_files(lin, [], DigitModel('linear', ['digit', 'not a digit'])) == ([], [])

def test_save_and_load_keep_everything(lin, tmp_path):
    fn = lin.save(tmp_path/'new'/'lin.pt')   # the folder is made
    back = DigitModel.load(fn)
    assert (back.arch, back.classes, back.meta) == (lin.arch, lin.classes, lin.meta)
    x = mnistify(draw_seven())[None]
    torch.testing.assert_close(back.probs(x), lin.probs(x))
    assert repr(back) == repr(lin) == f"DigitModel(linear, 3 or 7: {lin.meta['accuracy']:.2%} of MNIST_SAMPLE test digits right)"
    assert repr(DigitModel('mlp', list('0123456789'))) == 'DigitModel(mlp, 0-9: untrained)'

def test_a_failed_save_leaves_the_old_file(lin, tmp_path, monkeypatch):
    fn = lin.save(tmp_path/'lin.pt')
    before = fn.read_bytes()
    def dies_halfway(obj, f): f.write(before[:1000]); raise KeyboardInterrupt   # a write interrupted by Ctrl-C
    monkeypatch.setattr(torch, 'save', dies_halfway)
    with pytest.raises(KeyboardInterrupt): DigitModel('linear', ['3', '7']).save(fn)
    assert fn.read_bytes() == before
    assert list(tmp_path.iterdir()) == [fn]   # no temporary file left behind
    monkeypatch.undo()
    assert DigitModel.load(fn).meta == lin.meta

def test_model_files_are_refused_by_name(lin, tmp_path):
    good = lin.save(tmp_path/'good.pt')
    (tmp_path/'cut.pt').write_bytes(good.read_bytes()[:1000])
    (tmp_path/'notes.txt').write_text('not a model')
    torch.save({'weights': torch.zeros(3)}, tmp_path/'other.pt')
    torch.save([1, 2, 3], tmp_path/'list.pt')
    record = torch.load(good, weights_only=True)
    torch.save({**record, 'arch': 'mlp'}, tmp_path/'wrong_arch.pt')
    torch.save({**record, 'arch': 'transformer'}, tmp_path/'unknown_arch.pt')
    torch.save({k: v for k, v in record.items() if k != 'arch'}, tmp_path/'no_arch.pt')
    torch.save({**record, 'classes': None}, tmp_path/'no_classes.pt')
    for name, exc, msg in [('cut.pt', DigitModelError, 'cut.pt: not a model file, or a damaged one'),
                           ('notes.txt', DigitModelError, 'notes.txt: not a model file, or a damaged one'),
                           ('other.pt', DigitModelError, 'other.pt: not a digitlab model file'),
                           ('list.pt', DigitModelError, 'list.pt: not a digitlab model file'),
                           ('wrong_arch.pt', DigitModelError, r'wrong_arch.pt: damaged, or for another net \(RuntimeError'),
                           ('unknown_arch.pt', DigitModelError, "unknown_arch.pt: damaged, or for another net .*unknown net 'transformer'"),
                           ('no_arch.pt', DigitModelError, r"no_arch.pt: damaged, or for another net \(KeyError\('arch'\)"),
                           ('no_classes.pt', DigitModelError, r'no_classes.pt: damaged, or for another net \(TypeError'),
                           ('none.pt', FileNotFoundError, 'none.pt: no such model file')]:
        with pytest.raises(exc, match=msg): DigitModel.load(tmp_path/name)

@pytest.mark.parametrize('junk', [b'half a model', random.Random(2).randbytes(500)])
def test_any_bytes_are_refused_by_name(tmp_path, junk):
    (tmp_path/'junk.pt').write_bytes(junk)
    with pytest.raises(DigitModelError, match='junk.pt: not a model file'): DigitModel.load(tmp_path/'junk.pt')

def test_training_refuses_what_it_cannot_train():
    with pytest.raises(DigitModelError, match="unknown recipe 'transformer'; choose one of linear, mlp, cnn, resnet18, fast"):
        train_digit_model('transformer')
    with pytest.raises(ValueError, match='epochs and lr must be positive'): train_digit_model('linear', epochs=0)
    with pytest.raises(ValueError, match="unknown data set 'fashion'"): train_digit_model('linear', data='fashion')

def fake_training(lin, calls, seconds=0.):
    "Stands in for `train_digit_model`: counts its calls and returns `lin`, after `seconds`"
    def train(*args, **kwargs): calls.append(args); time.sleep(seconds); return lin
    return train

def test_the_default_model_is_trained_once_then_loaded(lin, home, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(inference, 'train_digit_model', fake_training(lin, calls))
    fn = default_model_path('linear')
    assert fn == home/'models'/'digitlab'/'digits_linear.pt' and not fn.exists()
    first = default_model(recipe='linear')
    assert calls == [('linear', 'full')] and fn.is_file()
    err = capsys.readouterr()
    assert err.out == '' and 'No trained model yet: training the linear ten-digit recipe once (5 epochs)' in err.err
    assert f"trained in {lin.meta['seconds']} s" in err.err
    second = default_model(recipe='linear')
    assert len(calls) == 1 and second.meta == first.meta   # loaded, not trained again
    assert capsys.readouterr() == ('', '')
    assert default_model_path() == fn.with_name('digits_mid.pt')   # the default model's recipe

def test_a_damaged_default_model_is_replaced(lin, home, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(inference, 'train_digit_model', fake_training(lin, calls))
    fn = default_model_path('linear')
    fn.write_bytes(lin.save(fn).read_bytes()[:1000])   # a save cut short
    m = default_model(verbose=False, recipe='linear')
    assert len(calls) == 1 and m.meta == lin.meta
    assert 'digits_linear.pt: not a model file, or a damaged one (RuntimeError); training a new one' in capsys.readouterr().err
    assert DigitModel.load(fn).meta == lin.meta   # and the file is good again

def test_a_default_model_that_saw_the_validation_digits_is_replaced(lin, home, monkeypatch, capsys):
    "A model file from before the default models left lesson 11's validation digits out: later lessons choose on those digits"
    calls = []
    monkeypatch.setattr(inference, 'train_digit_model', fake_training(lin, calls))
    old = DigitModel(lin.arch, lin.classes, lin.model, {k: v for k, v in lin.meta.items() if k != 'hold_out'})
    fn = old.save(default_model_path('linear'))
    m = default_model(verbose=False, recipe='linear')
    assert len(calls) == 1 and m.meta == lin.meta and m.meta['hold_out'] is True
    assert 'trained on the validation digits too (an older digitlab); training a new one' in capsys.readouterr().err
    assert DigitModel.load(fn).meta == lin.meta

def test_two_callers_at_once_train_it_once(lin, home, monkeypatch):
    "Two threads ask for a model not trained yet: one trains it, the other waits for it; without the lock both train"
    def two_callers(lock):
        calls, got = [], []
        monkeypatch.setattr(inference, 'train_digit_model', fake_training(lin, calls, seconds=1.))
        monkeypatch.setattr(inference, 'FileLock', lock)
        default_model_path('linear').unlink(missing_ok=True)
        threads = [threading.Thread(target=lambda: got.append(default_model(verbose=False, recipe='linear'))) for _ in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert len(got) == 2 and all(m.meta == lin.meta for m in got)
        return len(calls)
    lock = inference.FileLock
    assert two_callers(lambda *a, **k: contextlib.nullcontext()) == 2   # the control: no lock, two trainings
    assert two_callers(lock) == 1

def test_first_use_of_fastai_config_from_two_threads(tmp_path, monkeypatch):
    """fastai writes config.ini on first use; two threads asking for the model folder then could read it half-written. Before
    the lock that happened in 2 of 300 tries, so 600 tries catch its return about 98 times in 100"""
    from fastai.data.external import fastai_cfg
    try:
        for i in range(600):
            monkeypatch.setenv('FASTAI_HOME', str(tmp_path/f'home{i}')); fastai_cfg.cache_clear()
            got = []
            threads = [threading.Thread(target=lambda: got.append(default_model_path('linear'))) for _ in range(2)]
            for t in threads: t.start()
            for t in threads: t.join()
            assert got == [tmp_path/f'home{i}'/'models'/'digitlab'/'digits_linear.pt']*2, (i, got)
    finally: fastai_cfg.cache_clear()

def test_a_float_image_is_read_like_any_other(tmp_path):
    "A 32-bit float image (a TIFF from a scanner or a science tool, grey 0 to 1) keeps its contrast: it was read as blank"
    im = Image.new('F', (200, 200), 1.0); ImageDraw.Draw(im).line([(100, 30), (100, 170)], fill=0.0, width=14)
    im.save(tmp_path/'one.tif')
    from digitlab.drawing import read_digit
    for read in (mnistify, read_digit):
        x = read(tmp_path/'one.tif')
        assert x.max() == 1 and 20 < x.sum() < 80   # a stroke of ink, not an empty frame
