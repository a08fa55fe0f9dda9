# Sphinx configuration of the docs site. The sources are generated: `make docs` runs docs/make_site.py, which
# writes them into docs/_build/src, then builds them with this file (`sphinx-build -c docs`).
# Quarto, nbdev's own site builder, cannot be installed offline here; Sphinx + myst-nb + sphinx-book-theme can.
import re, tomllib
from pathlib import Path

root = Path(__file__).resolve().parent.parent
meta = tomllib.loads((root/'pyproject.toml').read_text(encoding='utf-8'))['project']

project = 'digitlab'
author = ', '.join(a['name'] for a in meta.get('authors', [])) or 'the digitlab authors'
copyright = f'2026, {author}'
html_title = 'digitlab'

extensions = ['myst_nb', 'sphinx.ext.autodoc']
root_doc = 'index'
exclude_patterns = ['**/.ipynb_checkpoints']
# the pages at the addresses nbdev writes into docstrings and _modidx.py (make_site.py's link_pages)
html_extra_path = ['_build/links']

# the lessons render from the outputs stored in the notebooks: nothing trains at build time
nb_execution_mode = 'off'
nb_merge_streams = True
myst_enable_extensions = ['colon_fence']
myst_heading_anchors = 3

autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
autodoc_class_signature = 'separated'
python_display_short_literal_types = True
add_module_names = False

html_theme = 'sphinx_book_theme'
html_theme_options = dict(repository_url=meta['urls']['Repository'], use_repository_button=True,
                          path_to_docs='nbs', show_toc_level=2, navigation_with_keys=False)

_literal = re.compile(r'(``.+?``|`[^`]+`)')

def _rst_text(s:str) -> str:
    "fastai-style docstring text (markdown backticks) as reStructuredText: `x` as a literal, stray markup escaped"
    out = []
    for part in _literal.split(s):
        if part.startswith('``'): out.append(part)
        elif part.startswith('`'): out.append('``' + part[1:-1] + '``' if part[1:-1].strip() else part)
        else: out.append(re.sub(r'([*|\\])', r'\\\1', re.sub(r'_(?=\W|$)', r'\\_', part)))
    return ''.join(out)

def _docstring(app, what, name, obj, options, lines):
    "Docstrings as reStructuredText, with nbdev's parameter comments (docments) listed under them"
    if what == 'data':   # a constant has no docstring of its own (autodoc would show its type's): show its value
        import pprint
        lines[:] = ['Its value:', '', '.. code-block:: python', ''] + ['   ' + l for l in pprint.pformat(obj, width=90).splitlines()]
        return
    text = [_rst_text(l) for l in lines]
    try:
        from fastcore.docments import docments
        params = {k: v for k, v in docments(obj).items() if v and k not in ('self', 'return')} if callable(obj) else {}
    except Exception: params = {}
    if params:
        text += [''] + [f':param {k}: {_rst_text(v)}' for k, v in params.items()]
    lines[:] = text

def setup(app):
    app.connect('autodoc-process-docstring', _docstring)
