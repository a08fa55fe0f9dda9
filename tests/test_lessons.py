"""The teaching path: each lesson fits a sitting, opens in Colab, has one import cell at the top, and never reads
benchmark logs (appendices, `nbs/aN_topic.ipynb`, may show a stored run)."""
import json, re
from pathlib import Path
import pytest

nbs = Path(__file__).resolve().parent.parent/'nbs'
LESSONS = sorted(nbs.glob('[0-9]*.ipynb'))
MAX_CHARS, MAX_CELLS = 30_000, 70   # about a sitting
COLAB = 'https://colab.research.google.com/github/digitlab/digitlab/blob/main/nbs/'

def cells(p:Path) -> list: return json.loads(p.read_text(encoding='utf-8'))['cells']
def source(c:dict) -> str: return ''.join(c['source'])
def size(p:Path) -> tuple: cs = cells(p); return sum(len(source(c)) for c in cs), len(cs)
def directives(c:dict) -> set: return {m.group(1) for m in re.finditer(r'^#\|\s*([\w-]+)', source(c), re.M)}

def test_the_path_starts_at_pixels():
    assert LESSONS[0].stem == '01_pixels', [p.stem for p in LESSONS]
    assert sorted(nbs.glob('a[0-9]*.ipynb')), 'the appendices are nbs/aN_topic.ipynb'

def test_each_lesson_fits_a_sitting(capsys):
    sizes = {p.stem: size(p) for p in LESSONS}
    with capsys.disabled():
        print('\n' + '\n'.join(f'  {s:24} {n:6,} characters {k:3} cells' for s, (n, k) in sizes.items()))
    over = {s: v for s, v in sizes.items() if v[0] > MAX_CHARS or v[1] > MAX_CELLS}
    assert not over, f'over {MAX_CHARS:,} characters or {MAX_CELLS} cells: {over}'

@pytest.mark.parametrize('p', LESSONS, ids=lambda p: p.stem)
def test_opens_in_colab(p):
    cs = cells(p)
    first = cs[0]
    assert first['cell_type'] == 'code' and 'hide' in directives(first), f'{p.name}: the first cell installs digitlab, hidden'
    assert "find_spec('digitlab') is None" in source(first) and 'git+https://github.com/digitlab/digitlab' in source(first)
    title = next(c for c in cs if c['cell_type'] == 'markdown')
    assert source(title).startswith('# ') and f'({COLAB}{p.name})' in source(title), f'{p.name}: no Colab link to itself'

@pytest.mark.parametrize('p', LESSONS, ids=lambda p: p.stem)
def test_one_import_cell_at_the_top(p):
    visible = [c for c in cells(p) if c['cell_type'] == 'code' and not directives(c) & {'hide', 'export', 'exporti', 'exports', 'default_exp'}]
    imports = [c for c in visible if 'from digitlab.all import *' in source(c)]
    assert len(imports) == 1 and visible[0] is imports[0], f'{p.name}: the first visible code cell imports, and no other does'

@pytest.mark.parametrize('p', LESSONS, ids=lambda p: p.stem)
def test_reads_no_benchmark_log(p):
    assert 'bench/results' not in p.read_text(encoding='utf-8'), f'{p.name} reads bench/results: that belongs in an appendix'

@pytest.mark.parametrize('p', sorted(nbs.glob('*.ipynb')), ids=lambda p: p.stem)
def test_no_empty_progress_bars_stored(p):
    """A progress bar that finished leaves an empty HTML output behind, and fastprogress's first bar a stylesheet that
    shows nothing: the stored notebooks hold neither"""
    def shows_nothing(html): return html.strip() in ('', '<div></div>') or re.fullmatch(r'\s*<style>.*?</style>\s*', html, re.S)
    empty = [i for i, c in enumerate(cells(p)) for o in c.get('outputs', [])
             if o.get('output_type') == 'display_data' and shows_nothing(''.join(o.get('data', {}).get('text/html', ['x'])))]
    assert not empty, f'{p.name}: empty outputs in cells {empty}'

def test_readme_is_short():
    "The README says what digitlab is, how to run it and where things are; results, speed and contributing live on their pages"
    n = len((nbs.parent/'README.md').read_text(encoding='utf-8'))
    assert n <= 9_000, f'README.md has {n:,} characters'

@pytest.mark.parametrize('p', sorted(nbs.glob('*.ipynb')), ids=lambda p: p.stem)
def test_solutions_are_folded_in_jupyter(p):
    "Exercise solutions (code cells under '### Solutions') are folded in JupyterLab, as `#| code-fold` folds them on the site"
    in_solutions, open_ = False, []
    for i, c in enumerate(cells(p)):
        if c['cell_type'] == 'markdown' and source(c).startswith('#'): in_solutions = source(c).startswith('### Solutions')
        if c['cell_type'] == 'code' and in_solutions and 'hide' not in directives(c):   # a hidden clean-up cell is no solution
            fold = c.get('metadata', {}).get('jupyter', {})
            if not ('code-fold' in directives(c) and fold.get('source_hidden') and fold.get('outputs_hidden')): open_.append(i)
    assert not open_, f'{p.name}: solution cells {open_} are not folded (#| code-fold: true, and metadata jupyter source_hidden and outputs_hidden)'

NETWORK = re.compile(r'''(?:src|href)\s*=\s*["']?(?:https?:)?//|@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?https?://''', re.I)

@pytest.mark.parametrize('p', sorted(nbs.glob('*.ipynb')), ids=lambda p: p.stem)
def test_stored_outputs_load_nothing_from_the_network(p):
    "Lessons are read offline: no stored output (HTML, SVG, JavaScript) fetches a font, script, style or picture from the internet"
    found = [(i, m.group(0)) for i, c in enumerate(cells(p)) for o in c.get('outputs', []) for k, v in o.get('data', {}).items()
             if k.startswith(('text/html', 'image/svg', 'application/javascript')) for m in NETWORK.finditer(''.join(v))]
    assert not found, f'{p.name}: outputs that load from the network (cell, match): {found[:5]}'
