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

def test_wheel_carries_mnist(tmp_path):
    "A built wheel, not only the editable install, ships the four MNIST files, byte for byte"
    import hashlib, subprocess, sys, zipfile
    from digitlab.idx import MNIST_SHA256
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(tmp_path), str(root)],
                   check=True, capture_output=True)
    whl, = tmp_path.glob('digitlab-*.whl')
    with zipfile.ZipFile(whl) as z:
        got = {Path(n).name: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith('digitlab/mnist/')}
    assert {n: got.get(n) for n in MNIST_SHA256} == MNIST_SHA256
    assert 'README.md' in got, "the MNIST credit and provenance must travel with the files"

def test_cli_prints_no_library_warnings(tmp_path):
    "`digitlab` commands import fastai and torch but print none of their deprecation warnings"
    import os, subprocess, sys
    cmd = str(Path(sys.executable).parent/'digitlab')
    env = {**os.environ, 'FASTAI_HOME': str(tmp_path)}
    env.pop('PYTHONWARNINGS', None)
    res = subprocess.run([cmd, 'data', '--verify'], capture_output=True, text=True, env=env)
    assert 'is missing: run `digitlab data`' in res.stderr
    assert 'Warning' not in res.stderr, res.stderr

def test_no_machine_paths_in_notebooks():
    "Stored notebooks (their outputs are published on the docs site) name no machine's folders"
    import re
    pat = re.compile(r'/tmp/|/work/|/root/|/home/|/Users/|\.venv')
    bad = {fn.name: sorted(set(pat.findall(fn.read_text()))) for fn in sorted((root/'nbs').glob('*.ipynb'))}
    assert not {k: v for k, v in bad.items() if v}, bad

def test_python_range_matches_ci():
    "pyproject.toml declares the Pythons the code needs (tomllib: 3.11), and the GitHub workflow tests the lowest and the newest listed"
    import re, sys
    cfg = tomllib.loads((root/'pyproject.toml').read_text())['project']
    lowest = re.fullmatch(r'>=(3\.\d+)', cfg['requires-python']).group(1)
    listed = sorted((c.rsplit(' ', 1)[-1] for c in cfg['classifiers'] if re.fullmatch(r'Programming Language :: Python :: 3\.\d+', c)),
                    key=lambda v: int(v.split('.')[1]))
    assert lowest == '3.11' and listed[0] == lowest and '3.12' in listed   # 3.12: Colab's Python
    matrix = re.search(r'python: \[([^\]]*)\]', (root/'.github'/'workflows'/'test.yaml').read_text()).group(1)
    assert {v.strip(' "') for v in matrix.split(',')} == {lowest, listed[-1]}
    assert sys.version_info >= tuple(map(int, lowest.split('.')))

def test_every_imported_package_is_declared():
    "Each package that digitlab imports is named in pyproject.toml's dependencies, not only brought by another one"
    import ast, importlib.metadata as md, re, sys
    root = Path(__file__).resolve().parent.parent
    mods = set()
    for p in (root/'digitlab').glob('*.py'):
        for n in ast.walk(ast.parse(p.read_text(encoding='utf-8'))):
            if isinstance(n, ast.Import): mods |= {a.name.split('.')[0] for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module: mods.add(n.module.split('.')[0])
    mods -= set(sys.stdlib_module_names) | {'digitlab'}
    deps = tomllib.loads((root/'pyproject.toml').read_text(encoding='utf-8'))['project']['dependencies']
    declared = {re.split(r'[<>=!~ \[;]', d)[0].lower().replace('_', '-') for d in deps}
    dists = md.packages_distributions()
    missing = {m: dists.get(m) for m in mods
               if not any(d.lower().replace('_', '-') in declared for d in dists.get(m, [m]))}
    assert not missing, f'imported but not declared in pyproject.toml: {missing}'
