"""What the benchmark scripts share: the CPU kernel sets, the machine a run is on, JSON written at once, and a fresh
Python process that reports one result line. Imported by the scripts as `from common import ...` (bench/ is on the
path of a script run as `python bench/NAME.py`)."""
import json, os, platform, subprocess, sys, time
from pathlib import Path
from fastcore.xtras import atomic_save

BENCH = Path(__file__).parent
RESULTS = BENCH/'results'
# torch, oneDNN and MKL limited to the AVX2 kernels: an AVX2-only CPU's results, computed on a CPU with AVX-512
AVX2 = dict(ATEN_CPU_CAPABILITY='avx2', ONEDNN_MAX_CPU_ISA='AVX2', MKL_ENABLE_INSTRUCTIONS='AVX2')
KERNELS = {'default': {}, 'avx2': AVX2}

def cpu_flags() -> str:
    "The flags line of /proc/cpuinfo ('' where there is none)"
    try: return next((l for l in Path('/proc/cpuinfo').read_text().splitlines() if l.startswith('flags')), '')
    except OSError: return ''

def machine(*keys, when='%Y-%m-%d %H:%M') -> dict:
    """The run's machine and versions under `keys`, in that order, for a script's record to extend: cpu, cpus,
    torch_threads, python, torch, and when (today, formatted by `when`)"""
    import torch
    get = dict(cpu=lambda: platform.processor() or platform.machine(), cpus=os.cpu_count,
               torch_threads=torch.get_num_threads, python=platform.python_version, torch=lambda: torch.__version__,
               when=lambda: time.strftime(when))
    return {k: get[k]() for k in keys}

def save_json(path, record, indent=2, newline=True):
    """Write `record` to `path` as JSON at once, so that a reader never sees half a file. Each result file keeps
    its shape: indent 2 with a final newline, or (floors, recipes, speed_study) indent 1 without"""
    with atomic_save(path, 'w') as f: f.write(json.dumps(record, indent=indent) + ('\n' if newline else ''))

def run_fresh(code:str, env:dict, failed:str) -> dict:
    """Run `python -c code` in a fresh process, with `env` over this one's environment and bench/ on its
    PYTHONPATH (so that `code` can import a script's functions); return the JSON it prints after 'RESULT '
    on a line of its own. If it fails, exit with `failed` and the end of its error output."""
    path = os.pathsep.join(p for p in (str(BENCH), os.environ.get('PYTHONPATH', '')) if p)
    res = subprocess.run([sys.executable, '-c', code], env={**os.environ, 'PYTHONPATH': path, **env},
                         capture_output=True, text=True)
    line = next((l for l in res.stdout.splitlines() if l.startswith('RESULT ')), None)
    if res.returncode or line is None: sys.exit(f"{failed}:\n{res.stderr[-3000:]}")
    return json.loads(line[len('RESULT '):])
