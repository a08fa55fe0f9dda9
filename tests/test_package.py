"Package-level checks: what `import digitlab` gives, beside the notebooks' own tests."
import importlib, pkgutil, tomllib
from pathlib import Path
import digitlab, digitlab.all

root = Path(__file__).resolve().parent.parent
# modules that are tools, not lesson APIs, and so stay out of `digitlab.all`
NOT_IN_ALL = {'digitlab.all', 'digitlab.cli', 'digitlab._modidx'}

def lesson_modules():
    return [importlib.import_module(m.name) for m in pkgutil.iter_modules(digitlab.__path__, 'digitlab.')
            if m.name not in NOT_IN_ALL]

def test_all_has_every_public_name():
    missing = {f'{m.__name__}.{n}' for m in lesson_modules() for n in m.__all__ if n not in digitlab.all.__all__}
    assert not missing, f'digitlab.all lacks {sorted(missing)}: add the module to the export cell of nbs/index.ipynb'

def test_all_names_resolve():
    ns = {}
    exec('from digitlab.all import *', ns)
    assert set(digitlab.all.__all__) <= set(ns)

def test_no_name_shadows_fastai_or_fastbook():
    ns = {}
    exec('from fastai.vision.all import *', ns)
    exec('from fastbook import *', ns)
    clash = set(digitlab.all.__all__) & set(ns)
    assert not clash, f'digitlab.all would shadow names of fastai.vision.all or fastbook: {sorted(clash)}'

def test_version_and_settings():
    cfg = tomllib.loads((root/'pyproject.toml').read_text())
    assert cfg['tool']['nbdev']['lib_path'] == 'digitlab'
    assert not (root/'settings.ini').exists(), 'nbdev 3 refuses to run beside a settings.ini'
    assert digitlab.__version__.count('.') == 2
