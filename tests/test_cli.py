"""The command line's plumbing (`digitlab.cli`), beside the lesson "The command line" (nbs/18_cli.ipynb).

The lesson tries each subcommand once; these tests check what a learner need not read: the dispatcher's exit
codes, fastcore's option handling, every help text, and the error paths. Nothing here trains for more than a
second or two: `predict` meets an untrained stand-in for the digit-or-not model (it never trains the real one), and
`digitlab reproduce` runs on stand-in experiments (appendix A3 runs the real `--quick`)."""
import json, socket, subprocess, sys
from pathlib import Path
import pytest
from digitlab import cli   # first: digitlab silences a deprecation warning that importing fastai would print
from fastai.data.external import fastai_cfg

digitlab_cmd = str(Path(sys.executable).parent/'digitlab')   # the script pip installed beside this Python

def run(*argv, env=None) -> subprocess.CompletedProcess:
    "The installed `digitlab` in a new process, as a user runs it"
    return subprocess.run([digitlab_cmd, *map(str, argv)], capture_output=True, text=True, env=env)

def run_main(capsys, *argv) -> tuple:
    "Exit code, stdout and stderr of `main(argv)`, in this process"
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err

@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    "A new, empty FASTAI_HOME for this test only"
    monkeypatch.setenv('FASTAI_HOME', str(tmp_path/'fastai_home'))
    monkeypatch.delenv('DIGITLAB_MNIST_DIR', raising=False)
    fastai_cfg.cache_clear()
    yield tmp_path/'fastai_home'
    fastai_cfg.cache_clear()

@pytest.fixture
def judge_home(empty_home):
    "A FASTAI_HOME whose digit-or-not model is an untrained stand-in: `predict` loads it instead of training the real one"
    from digitlab.inference import DigitModel, default_model_path
    stand_in = DigitModel('best', ['digit', 'not a digit'], meta=dict(mangled=0))   # what `default_detector` accepts
    stand_in.save(default_model_path().with_name('digit_or_not.pt'))
    return empty_home

@pytest.fixture(scope='module')
def lin37(tmp_path_factory):
    "A linear 3-vs-7 model, trained for a fifth of an epoch by `digitlab train --out FOLDER` (the real FASTAI_HOME's arrays)"
    folder = tmp_path_factory.mktemp('models')
    assert cli.main(['train', '--data', 'sample', '--recipe', 'linear', '--epochs', '0.2', '--out', str(folder)]) == 0
    fn = folder/'digitlab_linear_sample.pt'   # a folder as --out: the model's default name inside it
    assert fn.is_file()
    return fn

@pytest.fixture
def images(tmp_path):
    "A good MNIST PNG, a text file and a truncated PNG, in `tmp_path`"
    from PIL import Image
    from digitlab.data import load_mnist
    x, y = load_mnist('test')
    Image.fromarray((x[0]*255).round().byte().numpy()).save(tmp_path/'good.png')
    (tmp_path/'notes.txt').write_text('not a model, not an image')
    (tmp_path/'cut.png').write_bytes((tmp_path/'good.png').read_bytes()[:100])
    return tmp_path

# --- the dispatcher

def test_help_lists_commands_and_imports_nothing_heavy():
    res = run('--help')
    assert res.returncode == 0 and res.stdout.startswith('usage: digitlab COMMAND')
    assert all(f'  {n} ' in res.stdout for n in cli.COMMANDS)
    res = run()   # no command: the usage, on stderr, and exit code 2
    assert res.returncode == 2 and res.stdout == '' and 'commands:' in res.stderr
    heavy = "import sys, digitlab.cli; print(sorted(m for m in ('torch', 'pandas', 'fastai', 'sklearn', 'matplotlib') if m in sys.modules))"
    assert subprocess.run([sys.executable, '-c', heavy], capture_output=True, text=True).stdout.strip() == '[]'

def test_unknown_command(capsys):
    code, out, err = run_main(capsys, 'transform')
    assert code == 2 and "unknown command 'transform'; choose one of data, reproduce, train, predict, app" in err

def test_choices_match_the_library():
    "`RECIPE_NAMES` and `DATA` are written out so that `--help` needs no torch; they must stay the keys of `RECIPES` and `DATA_SETS`"
    from digitlab.loaders import DATA_SETS
    from digitlab.recipes import RECIPES
    assert list(cli.RECIPE_NAMES) == list(RECIPES) and list(cli.DATA) == list(DATA_SETS)

@pytest.mark.parametrize('name', list(cli.COMMANDS))
def test_every_command_has_help_with_examples(name):
    res = run(name, '--help')
    assert res.returncode == 0 and res.stdout.startswith(f'usage: digitlab {name}')
    assert 'examples:' in res.stdout and cli.COMMANDS[name].__doc__ in ' '.join(res.stdout.split())
    for p in cli.command_parser(name)._actions:   # every option has its comment as help
        if p.dest not in ('help', 'pdb', 'xtra'): assert p.help, (name, p.dest)

def test_options_from_the_signature():
    "fastcore's `anno_parser`: snake_case to --kebab-case, bools as flags, `Annotated` choices, defaults from the signature"
    args = vars(cli.command_parser('reproduce').parse_args(['--no-progress', '--quick']))
    assert args['no_progress'] is True and args['quick'] is True and str(args['out']) == 'digitlab-results'
    args = vars(cli.command_parser('predict').parse_args(['a.png', 'b.png', '--json']))
    assert args['images'] == ['a.png', 'b.png'] and args['json'] is True and args['model'] is None
    args = vars(cli.command_parser('app').parse_args([]))
    assert (args['port'], args['host'], args['model']) == (7860, '127.0.0.1', None)

@pytest.mark.parametrize('argv, msg', [
    (['train', '--epochs', '0'], 'argument --epochs: 0 is not positive'),
    (['train', '--lr', 'fast'], "argument --lr: 'fast' is not a number"),
    (['train', '--recipe', 'transformer'], "argument --recipe: invalid choice: 'transformer'"),
    (['train', '--data', 'letters'], "argument --data: invalid choice: 'letters'"),
    (['predict'], 'the following arguments are required: IMAGE'),
    (['app', '--port', 'http'], "argument --port: invalid int value: 'http'")])
def test_bad_arguments_stop_before_any_work(capsys, argv, msg):
    with pytest.raises(SystemExit) as e: cli.main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f'digitlab {argv[0]}: error: {msg}' in err, err

@pytest.mark.parametrize('exc, code, msg', [(OSError('results.json: disk full'), 1, 'digitlab data: error: results.json: disk full'),
                                            (ValueError('bad digits'), 1, 'digitlab data: error: bad digits'),
                                            (KeyboardInterrupt(), 130, 'digitlab data: interrupted')])
def test_errors_become_one_line(capsys, monkeypatch, exc, code, msg):
    def fake(verify:bool=False, # as `cmd_data`
            ):
        raise exc
    monkeypatch.setitem(cli.COMMANDS, 'data', fake)
    got, out, err = run_main(capsys, 'data', '--verify')
    assert got == code and err.strip() == msg

# --- data

def test_data_verify_builds_nothing(capsys, empty_home):
    code, out, err = run_main(capsys, 'data', '--verify')
    assert code == 1 and 'mnist_arrays is missing: run `digitlab data` to build it' in err
    assert out.startswith('MNIST in $FASTAI_HOME/data') and not (empty_home/'data').exists()   # nothing built, nor a folder made

def test_data_names_a_wrong_mnist_dir(capsys, empty_home, monkeypatch):
    monkeypatch.setenv('DIGITLAB_MNIST_DIR', '/no/such/folder')
    code, out, err = run_main(capsys, 'data')
    assert code == 1 and 'digitlab data: error: DIGITLAB_MNIST_DIR=/no/such/folder: no such folder' in err

def test_verify_names_a_folder_with_a_wrong_count(capsys, empty_home, monkeypatch):
    "`--verify` compares each folder's counts with the arrays': one PNG missing from mnist_png/testing is named"
    import digitlab.data
    want = digitlab.data.expected_counts(digitlab.data.mnist_arrays())   # builds the arrays only, from digitlab's own copy
    for name in ('mnist_sample', 'mnist_png'): (digitlab.data.data_path()/name).mkdir(parents=True)
    def counts(path):   # what `folder_counts` would count in the built folders, with one 4 gone from mnist_png/testing
        got = want.loc[path.name].copy()
        if path.name == 'mnist_png': got.loc['testing', 4] -= 1
        return got
    monkeypatch.setattr(digitlab.data, 'folder_counts', counts)
    code, out, err = run_main(capsys, 'data', '--verify')
    assert code == 1 and 'Digits per folder' in out
    assert err.strip() == ('digitlab data: $FASTAI_HOME/data/mnist_png/testing: digit counts [980, 1135, 1032, 1010, 981, 892, 958, 1028, 974, 1009], '
                           'expected [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]')

# --- train and predict

def test_predict_reads_the_good_files_and_names_the_bad(capsys, lin37, images, judge_home, monkeypatch):
    monkeypatch.chdir(images)   # files named as a user types them
    code, out, err = run_main(capsys, 'predict', 'notes.txt', 'good.png', 'cut.png', '--model', lin37)
    assert code == 1 and len(out.splitlines()) == 1 and out.startswith('good.png: ')
    assert 'digitlab predict: notes.txt: not an image' in err and 'digitlab predict: cut.png: damaged or truncated image' in err
    code, out, err = run_main(capsys, 'predict', 'good.png', 'notes.txt', '--model', lin37, '--json')
    got = json.loads(out)
    assert code == 1 and got['classes'] == ['3', '7'] and [p['file'] for p in got['predictions']] == ['good.png']
    assert [e['file'] for e in got['errors']] == ['notes.txt'] and got['model'] == str(lin37)

def test_predict_trains_nothing_when_no_file_is_there(capsys, empty_home, monkeypatch):
    "A mistyped name on a fresh install is reported at once, not after minutes of training the models"
    import digitlab.inference, digitlab.verdicts
    def fail(*a, **k): raise AssertionError('predict trained a model for files that are not there')
    monkeypatch.setattr(digitlab.inference, 'train_digit_model', fail)
    monkeypatch.setattr(digitlab.verdicts, 'train_digit_or_not', fail)
    code, out, err = run_main(capsys, 'predict', 'nothing.png', '--json')
    assert code == 1 and json.loads(out)['errors'] == [dict(file='nothing.png', error='nothing.png: no such image file')]

@pytest.mark.parametrize('model, msg', [('notes.txt', 'notes.txt: not a model file, or a damaged one (UnpicklingError)'),
                                        ('nothing.pt', 'nothing.pt: no such model file (make one with `digitlab train`)')])
def test_predict_names_a_bad_model(capsys, images, monkeypatch, model, msg):
    monkeypatch.chdir(images)
    code, out, err = run_main(capsys, 'predict', 'good.png', '--model', model)
    assert code == 1 and out == '' and err.strip() == f'digitlab predict: error: {msg}'

def test_train_out_names_a_file(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, 'train', '--data', 'sample', '--recipe', 'linear', '--epochs', '0.1', '--out', 'sub/lin.pt')
    assert code == 0 and (tmp_path/'sub'/'lin.pt').is_file()
    assert out.splitlines()[-2:] == ['saved to sub/lin.pt', 'use it with: digitlab predict IMAGE... --model sub/lin.pt']

def test_predict_needs_no_training_stack(lin37, images, judge_home):
    "`digitlab predict` with a saved model, in a new process, imports neither scikit-learn nor fastai's Learner nor the docs tools"
    probe = ("import sys; from digitlab.cli import main; code = main(['predict', sys.argv[1], '--model', sys.argv[2]]); "
             "print(code, sorted(m for m in ('sklearn', 'sphinx', 'myst_nb', 'fastai.learner', 'fastai.metrics') if m in sys.modules))")
    res = subprocess.run([sys.executable, '-c', probe, str(images/'good.png'), str(lin37)], capture_output=True, text=True)
    assert res.stdout.strip().splitlines()[-1] == '0 []', res.stdout + res.stderr

# --- reproduce, on stand-in experiments

def test_reproduce_writes_the_table_and_names_a_model_below_its_floor(capsys, tmp_path, monkeypatch):
    import digitlab.data, digitlab.results
    from digitlab.results import Experiment
    for f in ('mnist_sample', 'mnist_full'): monkeypatch.setattr(digitlab.data, f, lambda verbose=True: None)   # no data build
    exps = [Experiment('a sure thing', 'MNIST_SAMPLE', '--', 1.0, 'target', 0.9, 0.8, lambda quick, seed: 0.95),
            Experiment('a coin toss', 'MNIST_SAMPLE', '--', 0.5, 'target', 0.9, 0.4, lambda quick, seed: 0.5)]
    monkeypatch.setattr(digitlab.results, 'EXPERIMENTS', exps)
    code, out, err = run_main(capsys, 'reproduce', '--no-progress', '--out', tmp_path/'full')
    assert code == 1 and err.strip() == 'digitlab reproduce: a coin toss reached 0.5000, below its floor 0.9'
    assert '| a sure thing |' in out and '| a coin toss |' in out
    code, out, err = run_main(capsys, 'reproduce', '--quick', '--no-progress', '--out', tmp_path/'quick')   # the quick floors
    assert code == 0 and err == ''
    assert sorted(p.name for p in (tmp_path/'quick').iterdir()) == ['results.json', 'results.md', 'results.png']
    saved = json.loads((tmp_path/'quick'/'results.json').read_text())
    assert saved['meta']['quick'] and saved['meta']['all_passed'] and len(saved['results']) == 2

# --- app

def test_app_names_a_taken_port(capsys):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); s.listen(); taken = s.getsockname()[1]
        code, out, err = run_main(capsys, 'app', '--port', taken)
    assert code == 1 and f'port {taken} on 127.0.0.1 is taken' in err and f'--port {taken + 1}' in err

def test_app_names_a_port_out_of_range_and_a_host_it_cannot_use(capsys):
    code, out, err = run_main(capsys, 'app', '--port', 99999)
    assert code == 1 and 'port 99999: a port is a number from 1 to 65535' in err
    code, out, err = run_main(capsys, 'app', '--host', '192.0.2.1')   # TEST-NET-1: an address of no machine here
    assert code == 1 and 'cannot listen on 192.0.2.1, port 7860' in err and 'taken' not in err

def test_train_out_ending_in_a_slash_is_a_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(capsys, 'train', '--data', 'sample', '--recipe', 'linear', '--epochs', '0.1', '--out', 'new/')
    assert code == 0 and (tmp_path/'new'/'digitlab_linear_sample.pt').is_file()
    (tmp_path/'six.png').write_text('a file, not a folder')
    code, out, err = run_main(capsys, 'train', '--data', 'sample', '--recipe', 'linear', '--out', 'six.png/lin.pt')
    assert code == 1 and 'six.png/lin.pt: cannot make its folder' in err and 'training' not in err
