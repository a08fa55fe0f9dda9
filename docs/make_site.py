"""Write the docs site's sources into docs/_build/src: the lessons, the home page and the API reference.

Sphinx then builds them with the configuration in docs/ (`make docs` runs both steps):
- every notebook of nbs/ except index becomes a lesson page, rendered from its stored outputs. nbdev's
  cell directives are applied the way nbdev's own site applies them: `#| hide` and `#| default_exp` cells
  are dropped (the cells read by nbdev's own `NBProcessor`), and so are export cells that only import (the
  module's imports: a lesson page shows the lesson's one import cell), `#| echo: false` hides a cell's code, `#| output: false` its output,
  `#| code-fold: true` folds its code behind a click (the exercises' solutions), and no `#|` line is shown;
- a name of `digitlab.all` written in backticks in a lesson's prose links to its reference entry, and each
  cell that exports public names ends with a line linking to theirs;
- the home page is the README's text (`docs/readme.py`), its lesson links pointed at the lesson pages;
- the API reference has a page per lesson module, every public name with its signature and docstring;
- the addresses nbdev writes into module docstrings (`Docs: .../data.html.md`) and `_modidx.py`
  (`data.html#load_mnist`, followed by other nbdev projects) are served too: `data.html` forwards to the
  lesson, or to the name's reference entry when the address names one, and `data.html.md` is the lesson as
  Markdown. Sphinx copies them into the site's root (`html_extra_path`).
Run: `python docs/make_site.py [OUT_DIR]`; the forwarding pages go beside OUT_DIR, in `links/`."""
import ast, json, re, shutil, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root/'docs'))
from readme import readme_text

def lesson_notebooks(nbs:Path=root/'nbs') -> list:
    "The lesson notebooks in teaching order (their file names' order); index.ipynb is the home page, not a lesson"
    return sorted(p for p in nbs.glob('*.ipynb') if p.stem != 'index')

def api_modules() -> dict:
    "Module name -> its public names, in the order `digitlab.all` takes them"
    import digitlab.all as dl
    return {m.__name__: list(m.__all__) for m in dl._lessons}

def name_index(mods:dict) -> dict:
    "Public name -> its full dotted path"
    return {n: f'{m}.{n}' for m, ns in mods.items() for n in ns}

def link_names(md:str, names:dict) -> str:
    "Turn `name` into a reference link for every public name, outside fenced code blocks"
    parts = re.split(r'(^```.*?^```)', md, flags=re.M | re.S)
    sub = lambda m: f'{{py:obj}}`{m.group(1)} <{names[m.group(1)]}>`' if m.group(1) in names else m.group(0)
    return ''.join(p if p.startswith('```') else re.sub(r'(?<![`{}])`(\w+)`(?!`)', sub, p) for p in parts)

def defined_names(src:str) -> list:
    "Names a cell defines at top level (functions, classes, assignments), in order"
    out = []
    for node in ast.parse(src).body:
        targets = [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else \
                  getattr(node, 'targets', [getattr(node, 'target', None)]) if isinstance(node, (ast.Assign, ast.AnnAssign)) else []
        out += [n for t in targets if t is not None for n in ([t.name] if hasattr(t, 'name') else [getattr(t, 'id', None)]) if n and n not in out]
    return out

def processed_cells(path:Path) -> list:
    "A notebook's cells as nbdev reads them: each with its `#|` directives in `directives_` and taken out of its source"
    from nbdev.process import NBProcessor
    return NBProcessor(path).nb.cells

def _an_import(n:ast.stmt) -> bool:
    "An import, or an `if TYPE_CHECKING:` block of imports alone (imports for type hints only)"
    if isinstance(n, (ast.Import, ast.ImportFrom)): return True
    return (isinstance(n, ast.If) and not n.orelse and ast.unparse(n.test).endswith('TYPE_CHECKING')
            and all(isinstance(b, (ast.Import, ast.ImportFrom)) for b in n.body))

def only_imports(src:str) -> bool:
    "Whether a cell's code is nothing but import statements"
    try: body = ast.parse(src).body
    except SyntaxError: return False
    return bool(body) and all(_an_import(n) for n in body)

def md_cell(id:str, text:str) -> dict: return dict(cell_type='markdown', id=id, metadata={}, source=text)

def lesson_cells(path:Path, names:dict, public:set) -> list:
    "The cells a lesson page shows, nbdev's directives applied"
    cells = []
    for c in processed_cells(path):
        keep = {k: c[k] for k in ('cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count') if k in c}
        if c.cell_type == 'markdown':
            cells.append(dict(keep, source=link_names(c.source, names))); continue
        if c.cell_type != 'code': continue
        dirs, code = c.directives_, c.source.strip('\n')
        if 'hide' in dirs or 'default_exp' in dirs or (not code and not c.get('outputs')): continue
        if dirs.keys() & {'export', 'exporti', 'exports'} and only_imports(code): continue   # the module's own imports: a page shows one import cell
        tags = ((['remove-input'] if dirs.get('echo') == 'false' else []) + (['remove-output'] if dirs.get('output') == 'false' else [])
                + (['hide-input'] if dirs.get('code-fold', 'false') != 'false' else []))   # an exercise's solution: folded, a click away
        cells.append(dict(keep, source=code, metadata=dict(tags=tags) if tags else {}))
        if 'export' in dirs or 'exports' in dirs:
            exported = [n for n in defined_names(code) if n in public]
            if exported: cells.append(md_cell(c.get('id', str(len(cells))) + '-ref', 'Reference: ' + ', '.join(f'{{py:obj}}`{n} <{names[n]}>`' for n in exported)))
    return cells

def write_lesson(src:Path, dest:Path, names:dict, public:set):
    nb = json.loads(src.read_text(encoding='utf-8'))
    nb['cells'] = lesson_cells(src, names, public)
    nb['metadata'] = dict(kernelspec=dict(name='python3', display_name='Python 3', language='python'),
                          language_info=dict(name='python', pygments_lexer='ipython3'))
    dest.write_text(json.dumps(nb, indent=1), encoding='utf-8')

def is_appendix(p:Path) -> bool: return not p.stem[0].isdigit()   # `aN_topic`: how digitlab is built

def home_page(lessons:list, mods:dict) -> str:
    "The README's text with its links pointed at the site's pages, and the site's table of contents"
    text = re.sub(r'\]\(nbs/(\w+)\.ipynb\)', r'](lessons/\1.ipynb)', readme_text()).replace('](CONTRIBUTING.md)', '](contributing.md)')
    toc = '\n'.join(f'lessons/{p.stem}' for p in lessons if not is_appendix(p))
    built = '\n'.join([f'lessons/{p.stem}' for p in lessons if is_appendix(p)] + ['contributing'])
    api = '\n'.join(f'api/{m}' for m in mods)
    return (f'{text}\n```{{toctree}}\n:caption: Lessons\n:hidden:\n\n{toc}\n```\n\n'
            f'```{{toctree}}\n:caption: How digitlab is built\n:hidden:\n\n{built}\n```\n\n'
            f'```{{toctree}}\n:caption: API reference\n:hidden:\n\napi/index\n{api}\n```\n')

def api_page(mod:str, names:list, lessons:list) -> str:
    "One module's reference: every public name with signature and docstring"
    import importlib, inspect
    m = importlib.import_module(mod)
    links = ', '.join(f'[{l}](../lessons/{l}.ipynb)' for l in lessons)
    head = f'# `{mod}`\n\n' + (f'Built in the lesson{"s" if len(lessons) > 1 else ""} {links}.\n\n' if lessons else '')
    body = []
    for n in names:
        obj = getattr(m, n)
        kind = 'autoclass' if inspect.isclass(obj) else 'autofunction' if callable(obj) else 'autodata'
        opts = '   :members:\n   :undoc-members:\n' if kind == 'autoclass' else '   :no-value:\n' if kind == 'autodata' else ''
        # autodoc writes reStructuredText, so it runs inside eval-rst
        body.append(f'```{{eval-rst}}\n.. {kind}:: {mod}.{n}\n{opts}```\n')
    return head + '\n'.join(body)

def module_lessons(lessons:list) -> dict:
    "Module name -> the lessons (notebook stems) that export to it, in teaching order, as nbdev's exporter sees them"
    from nbdev.export import ExportModuleProc
    from nbdev.process import NBProcessor
    out = {}
    for p in lessons:
        exp = ExportModuleProc()
        NBProcessor(p, [exp]).process()
        for mod in exp.modules:
            name = getattr(exp, 'default_exp', None) if mod == '#' else mod
            if name: out.setdefault(f'digitlab.{name}', []).append(p.stem)
    return out

def name_lessons(lessons:list) -> dict:
    "Full dotted name -> the lesson (notebook stem) that defines it, from the addresses nbdev keeps in `_modidx.py`"
    from nbdev.config import nbpath2html
    from digitlab._modidx import d as modidx
    pages = {nbpath2html(p.name).name: p.stem for p in lessons}
    return {sym: pages[a.split('#', 1)[0]] for syms in modidx['syms'].values() for sym, (a, _) in syms.items()
            if a.split('#', 1)[0] in pages}

def api_index(mods:dict, lessons:dict) -> str:
    rows = '\n'.join(f'| {{py:obj}}`{n} <{m}.{n}>` | [`{m}`]({m}.md) | ' +
                     (f'[{lessons[f"{m}.{n}"]}](../lessons/{lessons[f"{m}.{n}"]}.ipynb)' if f'{m}.{n}' in lessons else '') + ' |'
                     for m, ns in mods.items() for n in ns)
    return ('# API reference\n\nEverything `from digitlab.all import *` gives you, by the lesson that builds it.\n\n'
            f'| name | module | lesson |\n|---|---|---|\n{rows}\n')

def lesson_markdown(path:Path) -> str:
    "A lesson as plain Markdown, nbdev's directives applied: prose, code in fences, text outputs in fences"
    parts = []
    for c in processed_cells(path):
        if c.cell_type == 'markdown': parts.append(c.source); continue
        if c.cell_type != 'code': continue
        dirs, code = c.directives_, c.source.strip('\n')
        if 'hide' in dirs or 'default_exp' in dirs: continue
        if code and dirs.get('echo') != 'false': parts.append(f'```python\n{code}\n```')
        if dirs.get('output') == 'false': continue
        for o in c.get('outputs', []):
            text = ''.join(o.get('text', '') or o.get('data', {}).get('text/plain', ''))
            if text.strip() and 'text/html' not in o.get('data', {}): parts.append(f'```\n{text.rstrip()}\n```')
    return '\n\n'.join(parts) + '\n'

_FORWARD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{lesson}">
<script>
const names = {names};
const h = decodeURIComponent(location.hash.slice(1));
location.replace(names[h] || "{lesson}" + location.hash);
</script>
<noscript><meta http-equiv="refresh" content="0; url={lesson}"></noscript>
</head><body><p>This page is the lesson <a href="{lesson}">{title}</a>.</p></body></html>
"""

def link_pages(lessons:list, mods:dict, out:Path):
    "Pages at the addresses nbdev writes (`data.html`, `data.html.md`), for every lesson, into `out`"
    from nbdev.config import nbpath2html
    from digitlab._modidx import d as modidx
    api = {f'{m}.{n}': f'api/{m}.html#{m}.{n}' for m, ns in mods.items() for n in ns}
    out.mkdir(parents=True)
    for p in lessons:
        page = nbpath2html(p.name).name
        # every name nbdev links to this page (`page#name`) goes to its reference entry where it has one
        names = {a.split('#', 1)[1]: api[sym] for syms in modidx['syms'].values() for sym, (a, _) in syms.items()
                 if a.startswith(page + '#') and sym in api}
        nb = json.loads(p.read_text(encoding='utf-8'))
        title = next((''.join(c['source']).splitlines()[0].lstrip('# ') for c in nb['cells'] if c['cell_type'] == 'markdown'), p.stem)
        (out/page).write_text(_FORWARD.format(title=title, lesson=f'lessons/{p.stem}.html', names=json.dumps(names)), encoding='utf-8')
        (out/f'{page}.md').write_text(lesson_markdown(p), encoding='utf-8')
    # index.html is the site's own home page
    (out/'index.html.md').write_text(lesson_markdown(root/'nbs'/'index.ipynb'), encoding='utf-8')

def build(out:Path=root/'docs'/'_build'/'src'):
    "Write the site's sources into `out`, replacing what was there"
    lessons, mods = lesson_notebooks(), api_modules()
    names = name_index(mods)
    owners = module_lessons(lessons)
    tmp = out.with_name(out.name + '.tmp')
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp/'lessons').mkdir(parents=True); (tmp/'api').mkdir()
    for p in lessons: write_lesson(p, tmp/'lessons'/p.name, names, set(names))
    (tmp/'index.md').write_text(home_page(lessons, mods), encoding='utf-8')
    (tmp/'contributing.md').write_text((root/'CONTRIBUTING.md').read_text(encoding='utf-8'), encoding='utf-8')
    shutil.copytree(root/'docs'/'images', tmp/'docs'/'images')   # the README's pictures, at the paths it gives them
    (tmp/'api'/'index.md').write_text(api_index(mods, name_lessons(lessons)), encoding='utf-8')
    for m, ns in mods.items(): (tmp/'api'/f'{m}.md').write_text(api_page(m, ns, owners.get(m, [])), encoding='utf-8')
    links = out.with_name('links')
    shutil.rmtree(links.with_name('links.tmp'), ignore_errors=True)
    link_pages(lessons, mods, links.with_name('links.tmp'))
    shutil.rmtree(out, ignore_errors=True); shutil.rmtree(links, ignore_errors=True)
    tmp.rename(out); links.with_name('links.tmp').rename(links)
    return out

if __name__ == '__main__':
    print(f'wrote the site sources to {build(*(Path(a) for a in sys.argv[1:2]))}')
