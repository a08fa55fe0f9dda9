"""`draw_side_by_side` (appendix A5), which draws the digit-or-not model's training pictures in worker processes:
the workers finish even when the parent has used torch's thread pool before (a worker that started torch's threads
again hung while it handed its pictures back), they draw the same pictures as one by one, and the parent keeps its
threads."""
import subprocess, sys, textwrap

def test_workers_finish_after_the_parent_used_its_threads():
    code = textwrap.dedent('''
        import torch
        from digitlab.nondigits import draw_side_by_side, made_up_not_digits, made_up_objects
        torch.set_num_threads(2); torch.randn(1000, 1000) @ torch.randn(1000, 1000)   # the parent's thread pool is up
        jobs = [(made_up_not_digits, 60, 1), (made_up_objects, 60, 1)]   # big enough to be copied by several threads
        out = draw_side_by_side(jobs, progress=False)
        assert all(torch.equal(x, f(*a)[0]) for (f, *a), (x, _) in zip(jobs, out))
        assert torch.get_num_threads() == 2
        print('ok')''')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip().endswith('ok'), r.stderr[-2000:]
