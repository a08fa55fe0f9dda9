"""The built docs site (`make docs` first): a page per lesson in lesson order, every public name in the
reference, no broken internal link or anchor, nbdev's directives applied."""
import html as html_module, re, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
import pytest

root = Path(__file__).resolve().parent.parent
html = root/'docs'/'_build'/'html'
sys.path.insert(0, str(root/'docs'))
from make_site import api_modules, lesson_notebooks, only_imports


@pytest.fixture(scope='module', autouse=True)
def built():
    if not (html/'index.html').exists(): pytest.fail(f'no docs site at {html}: run `make docs` first')

class Page(HTMLParser):
    "The ids, links and image sources of one HTML page"
    def __init__(self, path:Path):
        super().__init__(); self.ids, self.links, self.imgs = set(), [], []
        self.feed(path.read_text(encoding='utf-8'))
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.links.append(a['href'])
        if tag == 'img' and a.get('src'): self.imgs.append(a['src'])

def pages(): return sorted(html.rglob('*.html'))

def test_every_lesson_has_a_page_in_order():
    index = (html/'index.html').read_text(encoding='utf-8')
    stems = [p.stem for p in lesson_notebooks()]
    assert stems, 'no lessons found'
    for s in stems: assert (html/'lessons'/f'{s}.html').exists(), f'lesson {s} has no page'
    side = index.split('bd-sidebar-primary', 1)[-1]
    nav = [m.group(1) for m in re.finditer(r'href="lessons/(\w+)\.html"', side)]
    seen = list(dict.fromkeys(nav))
    teaching, appendices = [s for s in stems if s[0].isdigit()], [s for s in stems if not s[0].isdigit()]
    assert teaching and appendices and teaching[0].startswith('01_pixels'), stems   # the path starts at pixels
    assert seen == teaching + appendices, f'sidebar order {seen} is not the teaching path, then the appendices'
    assert side.index('How digitlab is built') > side.index(f'lessons/{teaching[-1]}.html'), 'the appendices have their own heading, after the lessons'
    assert 'href="contributing.html"' in side

def test_every_public_name_in_the_reference():
    missing = []
    for mod, names in api_modules().items():
        page = (html/'api'/f'{mod}.html').read_text(encoding='utf-8')
        missing += [f'{mod}.{n}' for n in names if f'id="{mod}.{n}"' not in page]
    assert not missing, f'not in the API reference: {missing}'

def test_lessons_link_to_the_reference():
    linked = set()
    for p in (html/'lessons').glob('*.html'): linked |= set(re.findall(r'href="\.\./api/[\w.]+\.html#([\w.]+)"', p.read_text(encoding='utf-8')))
    public = {f'{m}.{n}' for m, ns in api_modules().items() for n in ns}
    assert public - linked == set(), f'never linked from a lesson: {sorted(public - linked)}'

def test_no_broken_internal_links():
    parsed, broken = {}, []
    def page(p):
        if p not in parsed: parsed[p] = Page(p)
        return parsed[p]
    for p in pages():
        for href in page(p).links + page(p).imgs:
            u = urlsplit(href)
            if u.scheme or u.netloc or href.startswith(('mailto:', 'javascript:')): continue
            target = (p.parent/unquote(u.path)).resolve() if u.path else p
            if target.is_dir(): target = target/'index.html'
            if not target.exists(): broken.append(f'{p.relative_to(html)}: {href}'); continue
            if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in page(target).ids:
                broken.append(f'{p.relative_to(html)}: {href} (no such anchor)')
    assert not broken, 'broken internal links:\n' + '\n'.join(broken[:30])

def test_nbdev_directives_applied():
    for p in (html/'lessons').glob('*.html'):
        text = re.sub(r'<[^>]+>', '', p.read_text(encoding='utf-8'))
        assert '#| export' not in text and '#| hide' not in text and 'default_exp' not in text, p.name
    data = re.sub(r'<[^>]+>', '', (html/'lessons'/'a1_idx.html').read_text(encoding='utf-8'))
    assert 'def read_idx' in data   # exported code stays visible, only its marker goes

def test_lessons_show_their_plots():
    imgs = [i for p in (html/'lessons').glob('*.html') for i in Page(p).imgs]
    assert len(imgs) >= 15, f'only {len(imgs)} images in the lessons'

def test_search_index_has_the_api():
    idx = (html/'searchindex.js').read_text(encoding='utf-8')
    assert 'mnist_loss' in idx

def test_nbdev_doc_urls_resolve():
    "Every address nbdev writes (module docstrings' `Docs:` lines, `_modidx.py`) leads to a page of the built site"
    import json
    from digitlab._modidx import d
    base = d['settings']['doc_host'].rstrip('/') + d['settings']['doc_baseurl'].rstrip('/') + '/'
    urls = {m.group(1) for f in sorted((root/'digitlab').glob('*.py')) for m in re.finditer(r'Docs: (https?://[^\s"]+)', f.read_text(encoding='utf-8'))}
    assert len(urls) >= 10, urls
    urls |= {base + a for syms in d['syms'].values() for a, _ in syms.values()}
    bad = []
    for url in sorted(urls):
        assert url.startswith(base), url
        path, _, frag = url[len(base):].partition('#')
        target = html/path
        if not target.is_file(): bad.append(f'{url}: no {path} in the site'); continue
        if path.endswith('.md'):
            if len(target.read_text(encoding='utf-8')) < 200: bad.append(f'{url}: an empty page')
            continue
        text = target.read_text(encoding='utf-8')
        names = json.loads(re.search(r'const names = (\{.*?\});', text).group(1))
        dest = names.get(frag) or re.search(r'"(lessons/\w+\.html)" \+ location\.hash', text).group(1)
        dpath, _, dfrag = dest.partition('#')
        if not (html/dpath).is_file(): bad.append(f'{url} -> {dest}: no such page'); continue
        if dfrag and dfrag not in Page(html/dpath).ids: bad.append(f'{url} -> {dest}: no such anchor')
    assert not bad, '\n'.join(bad[:30])

def test_each_lesson_page_shows_one_import_cell():
    "Export cells that only import (what nbdev needs at the top of a module) stay off the page: it opens with the lesson's own imports"
    for p in sorted((html/'lessons').glob('*.html')):
        code = [html_module.unescape(re.sub(r'<[^>]+>', '', m)) for m in re.findall(
            r'<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>(.*?)</pre>', p.read_text(encoding='utf-8'), re.S)]
        # a cell of imports alone (`set_seed` may follow them), `if TYPE_CHECKING:` blocks of imports included
        imports = [c for c in code if only_imports('\n'.join(l for l in c.splitlines() if not l.startswith('set_seed')))]
        assert len(imports) <= 1, f'{p.name}: {len(imports)} cells of imports alone'
        if imports: assert code.index(imports[0]) <= 1, f'{p.name}: its imports come after other code'
