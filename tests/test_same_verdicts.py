"""One reader, one verdict: `digitlab predict --json` and the draw-a-digit page's API (`/predict`, what a script calls
with Gradio's client) are given the same files and must give each the same verdict and digit.

The files: test digits redrawn in each ink style and with thin and thick pens (lesson 15's `redraw`), MNIST test
digits as 28x28 PNGs, a drawn star and letter (from appendix A6's hand-written tables), random pixels, and a 16-bit
grey scan."""
import json, re, subprocess, sys
from pathlib import Path
import numpy as np, pytest
from PIL import Image

pytestmark = pytest.mark.filterwarnings('ignore::pandas.errors.Pandas4Warning')

def verdict_of(said:str) -> tuple:
    "The page's Markdown verdict as (verdict, digit)"
    m = re.match(r'\*\*not a digit\*\* \(best guess (\w+)', said) or re.match(r'\*\*not sure\*\*: maybe (\w+)', said)
    if m: return ('not a digit' if said.startswith('**not a digit') else 'not sure', m.group(1))
    m = re.match(r'\*\*(\w+)\*\* \(\d+% sure\)', said)
    assert m, said
    return 'digit', m.group(1)

@pytest.fixture(scope='module')
def files(tmp_path_factory):
    from digitlab.data import load_mnist
    from digitlab.drawing import INK_STYLES, draw_strokes, redraw
    from digitlab.nondigits import random_pixels
    from digitlab.sketches import LETTERS, SHAPES
    d = tmp_path_factory.mktemp('same')
    x, y = load_mnist('test')
    rng = np.random.default_rng(0)
    for i, (ink, pen) in enumerate([(ink, pen) for ink in INK_STYLES for pen in (1, 12)]):
        redraw(x[i], pen, ink).save(d/f'drawn_{i}_{y[i]}.png')
    for i in range(20, 24): Image.fromarray((x[i]*255).round().byte().numpy()).save(d/f'mnist_{i}_{y[i]}.png')
    draw_strokes(SHAPES['star'], rng, 8).save(d/'star.png')
    draw_strokes(LETTERS['K'], rng, 3, 'white on transparent').save(d/'K.png')
    random_pixels(rng, 200).save(d/'noise.png')
    grey = np.asarray(redraw(x[30], 6, 'black on white').convert('L')).astype(np.uint16)
    Image.fromarray((100 + grey*155//255)*257).save(d/'scan16.png')   # 16-bit grey, dark grey ink (not black)
    return sorted(d.glob('*.png'))

def test_predict_and_the_page_give_the_same_verdicts(files):
    from fastcore.net import free_port
    from gradio_client import Client, handle_file
    from digitlab.app import serve_app
    cmd = [str(Path(sys.executable).parent/'digitlab'), 'predict', *map(str, files), '--json']
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    cli = {Path(p['file']).name: (p['verdict'], p['digit']) for p in json.loads(out.stdout)['predictions']}
    port = free_port('127.0.0.1')
    demo = serve_app(port=port, block=False, quiet=True)
    try:
        client = Client(f'http://127.0.0.1:{port}/', verbose=False)
        page = {f.name: verdict_of(client.predict(handle_file(str(f)), api_name='/predict')[-1]) for f in files}
    finally: demo.close(verbose=False)
    print(page)
    assert page == cli
    assert {v for v, _ in cli.values()} >= {'digit'} and cli['noise.png'][0] != 'digit'

def test_not_sure_never_shows_the_threshold_it_is_under():
    "A *not sure* reading is under `UNSURE_BELOW` (0.3): its percentage is floored, so 0.2958 shows 29%, not 30%"
    from digitlab.verdicts import UNSURE_BELOW, verdict_text
    assert UNSURE_BELOW == 0.3
    assert verdict_text(dict(verdict='not sure', digit='9', probability=0.2958)) == 'not sure: maybe 9 (29%)'
    assert verdict_text(dict(verdict='digit', digit='7', probability=0.98)) == '7 (98% sure)'
