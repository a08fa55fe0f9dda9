"""Write README.md from nbs/index.ipynb (nbdev's own `nbdev-readme` needs Quarto, which we cannot install).

The README is the index notebook's markdown cells, in order, with lesson links pointed into `nbs/`.
`python docs/readme.py --check` exits 1 when README.md is not what the notebook gives (CI runs it)."""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def readme_text(nb:Path=root/'nbs'/'index.ipynb') -> str:
    "The README that notebook `nb` gives: its markdown cells, lesson links pointed into nbs/"
    cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
    md = [''.join(c['source']).strip() for c in cells if c['cell_type'] == 'markdown']
    text = '\n\n'.join(md) + '\n'
    text = text.replace('](../', '](')   # the notebook's links to files beside nbs/, as the repository's root sees them
    return re.sub(r'\]\((\w+)\.ipynb\)', r'](nbs/\1.ipynb)', text)

if __name__ == '__main__':
    want, fn = readme_text(), root/'README.md'
    if '--check' in sys.argv[1:]:
        if not fn.exists() or fn.read_text(encoding='utf-8') != want:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `make readme` and commit it')
    else: fn.write_text(want, encoding='utf-8')
