"""Print the path of a Chromium-family browser for the browser tests, getting one where there is none.

`make test` runs this before pytest and exports what it prints as DIGITLAB_CHROMIUM. The browser is the
first of: DIGITLAB_CHROMIUM (where set and executable); /usr/bin/chromium; chromium, chromium-browser,
google-chrome or google-chrome-stable on PATH; a Chromium that Playwright has already downloaded. Where
there is none it gets one: Playwright's own download (`python -m playwright install chromium`, 60 s at most:
it needs the internet), else, on Debian or Ubuntu, `apt-get install chromium` as root (or with sudo where
sudo needs no password). Where nothing works it exits 1 with one line that says what to run. Progress goes
to stderr; stdout holds only the path.

`--graphviz` does the same for Graphviz's `dot`, which draws the book's diagrams (fastbook's `gv`): where it
is missing, `apt-get install graphviz` as root (or with sudo), else one line that says what to run."""
import os, shutil, signal, subprocess, sys
from pathlib import Path

NAMES = ['/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
DOWNLOAD_S = 60

def say(msg): print(f'find_browser: {msg}', file=sys.stderr, flush=True)

def run(cmd, timeout=None, env=None):
    "Run `cmd` quietly in its own process group, killed whole after `timeout` s: (ok, its first error line)"
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace',
                         env=env, start_new_session=True)
    try: out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL); p.communicate()
        return False, f'no answer in {timeout} s'
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    errs = [l for l in lines if l.startswith(('Error', 'E:'))]   # Playwright's first error, apt-get's
    return p.returncode == 0, (errs or lines[-1:] or [f'exit code {p.returncode}'])[0]

def works(path):
    "Does `path` start? (Ubuntu's chromium-browser may be a stub that only asks for the snap.)"
    try: return run([path, '--version'], timeout=30)[0]
    except OSError: return False

def downloaded():
    "The Chromium that Playwright has downloaded, if it has"
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p: path = p.chromium.executable_path
    except Exception: return None
    return path if os.access(path, os.X_OK) else None

def find():
    "A browser on PATH, else the one Playwright downloaded"
    for name in NAMES:
        path = shutil.which(name)
        if path and works(path): return path
    path = downloaded()
    return path if path and works(path) else None

def debian():
    try: ids = dict(l.split('=', 1) for l in Path('/etc/os-release').read_text().splitlines() if '=' in l)
    except OSError: return False
    words = f"{ids.get('ID', '')} {ids.get('ID_LIKE', '')}".replace('"', '').split()
    return bool({'debian', 'ubuntu'} & set(words))

def sudo():
    "The prefix that runs apt-get as root: [] as root, ['sudo', '-n'] where sudo needs no password, else None"
    if os.geteuid() == 0: return []
    if shutil.which('sudo') and run(['sudo', '-n', 'true'], timeout=10)[0]: return ['sudo', '-n']
    return None

def get():
    "Install a browser: (its path, []) where that worked, else (None, why not)"
    why = []
    say(f'no Chromium-family browser found: trying `python -m playwright install chromium` ({DOWNLOAD_S} s at most)')
    ok, err = run([sys.executable, '-m', 'playwright', 'install', 'chromium'], timeout=DOWNLOAD_S)
    if ok and (path := find()): return path, []
    why.append(f"Playwright: {err.removeprefix('Error: ') if not ok else 'its browser does not start'}")
    if not (debian() and shutil.which('apt-get')): return None, why
    pre = sudo()
    if pre is None: return None, why + ['apt-get: not root, and no sudo without a password']
    say(f"trying `{' '.join(pre + ['apt-get', 'install', '-y', 'chromium'])}` (a few minutes)")
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    ok, err = run(pre + ['apt-get', 'update', '-qq'], env=env)
    if ok: ok, err = run(pre + ['apt-get', 'install', '-y', '-qq', 'chromium'], env=env)
    if ok and (path := find()): return path, []
    return None, why + [f"apt-get: {err.removeprefix('E: ') if not ok else 'its chromium does not start'}"]

def graphviz():
    "Make sure Graphviz's `dot` is on PATH"
    if shutil.which('dot'): return
    pre = sudo() if debian() and shutil.which('apt-get') else None
    if pre is not None:
        say(f"Graphviz's dot is missing: `{' '.join(pre + ['apt-get', 'install', '-y', 'graphviz'])}`")
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        ok, err = run(pre + ['apt-get', 'update', '-qq'], env=env)
        if ok: ok, err = run(pre + ['apt-get', 'install', '-y', '-qq', 'graphviz'], env=env)
        if ok and shutil.which('dot'): return
    say("Graphviz's `dot` (the book's diagrams) is missing and could not be installed: run `sudo apt-get install -y graphviz` "
        "(or `brew install graphviz`)")
    sys.exit(1)

def main():
    if '--graphviz' in sys.argv[1:]: return graphviz()
    path = os.environ.get('DIGITLAB_CHROMIUM')
    if path and not (os.access(path, os.X_OK) and os.path.isfile(path)):
        say(f'DIGITLAB_CHROMIUM={path} is not an executable file: looking for another browser')
        path = None
    path = path or find()
    if not path:
        path, why = get()
        if not path:
            cmd = ('sudo apt-get install -y chromium' if debian() else
                   f'{os.path.relpath(sys.executable)} -m playwright install --with-deps chromium')
            say(f"no Chromium-family browser for the browser tests and none could be installed ({'; '.join(why)}): "
                f"run `{cmd}` or set DIGITLAB_CHROMIUM to one")
            sys.exit(1)
        say(f'installed {path}')
    print(path)

if __name__ == '__main__': main()
