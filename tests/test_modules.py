"""The library's shape: modules by concept, imports running one way (from the data up to the CLI and the app),
each module short enough to read in one go."""
import ast
from pathlib import Path
import pytest

lib = Path(__file__).resolve().parent.parent/'digitlab'
GENERATED = {'_modidx.py', '__init__.py', 'all.py'}
MODULES = sorted(p for p in lib.glob('*.py') if p.name not in GENERATED)

def digitlab_imports(p:Path) -> set:
    "The digitlab modules that `p` imports anywhere: at the top or inside a function"
    found = set()
    for n in ast.walk(ast.parse(p.read_text(encoding='utf-8'))):
        if isinstance(n, ast.ImportFrom):
            if n.level == 1 and n.module: found.add(n.module.split('.')[0])
            elif n.level == 1: found.update(a.name for a in n.names)
            elif (n.module or '').startswith('digitlab.'): found.add(n.module.split('.')[1])
            elif n.module == 'digitlab': found.update(a.name for a in n.names)
        elif isinstance(n, ast.Import):
            found.update(a.name.split('.')[1] for a in n.names if a.name.startswith('digitlab.'))
    return found - {p.stem} - {'all', '_modidx'}

GRAPH = {p.stem: digitlab_imports(p) for p in MODULES}

def cycles(graph:dict) -> list:
    "Every module that can reach itself through imports, with the path that does it"
    found = []
    def walk(start, node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt == start: found.append(path + [nxt])
            elif nxt not in path: walk(start, nxt, path + [nxt])
    for m in graph: walk(m, m, [m])
    return found

def test_cycle_finder_finds_one():
    assert cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c', 'a'], ['b', 'c', 'a', 'b'], ['c', 'a', 'b', 'c']]
    assert cycles({'a': {'b'}, 'b': set()}) == []

def test_no_import_cycle():
    assert not cycles(GRAPH), cycles(GRAPH)[:3]

def test_imports_run_from_the_data_up():
    "`digitlab.all` lists the modules in order; each imports only modules listed before it"
    from digitlab.all import _lessons
    order = [m.__name__.split('.')[1] for m in _lessons] + ['cli']
    assert sorted(order) == sorted(GRAPH), f'modules missing from digitlab.all: {sorted(set(GRAPH) - set(order))}'
    late = {m: sorted(i for i in GRAPH[m] if order.index(i) > order.index(m)) for m in order}
    assert not any(late.values()), {m: v for m, v in late.items() if v}

def test_each_module_names_its_concept():
    "A module's docstring is one line on what it is for, then the link nbdev adds to its lesson"
    for p in MODULES:
        doc = ast.get_docstring(ast.parse(p.read_text(encoding='utf-8')))
        assert doc and doc.splitlines()[0].strip(), f'{p.name} has no docstring'
        assert 'Docs: https://' in doc, f'{p.name}: no link to its lesson'

def test_a_module_alone_has_the_methods_it_calls():
    "`@patch`ed methods live in the module that adds them: importing `recipes` alone (as `digitlab reproduce` does) must bring `fit_one_cycle`"
    import subprocess, sys
    code = "import digitlab.recipes; from digitlab.learner import MiniLearner; assert hasattr(MiniLearner, 'fit_one_cycle')"
    subprocess.run([sys.executable, '-c', code], check=True)

def test_each_module_reads_in_one_go():
    "At most 250 lines a module"
    long = {p.name: n for p in MODULES if (n := len(p.read_text(encoding='utf-8').splitlines())) > 250}
    assert not long, long

def _long_lines(p:Path) -> list:
    "Lines of `p` over 120 characters, but for what nbdev writes: `__all__` lists and the package docstring"
    text = p.read_text(encoding='utf-8')
    skip = set()
    if p.name == '__init__.py':   # nbdev's package docstring: the modules' summaries, one line each
        tree = ast.parse(text)
        doc = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
        if doc is not None: skip = set(range(doc.lineno, doc.end_lineno + 1))
    return [f'{p.name}:{i}' for i, l in enumerate(text.splitlines(), 1)
            if len(l) > 120 and i not in skip and not l.startswith('__all__')]

@pytest.mark.parametrize('folder', ['digitlab', 'bench'])
def test_lines_fit_120_characters(folder):
    files = [p for p in sorted((lib.parent/folder).glob('*.py')) if p.name != '_modidx.py']
    assert files
    long = [hit for p in files for hit in _long_lines(p)]
    assert not long, long[:10]
