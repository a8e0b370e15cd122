"""Exact resume after SIGKILL before and after the ID -> GS switch; atomic checkpoints and pointer."""
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from grass_mm.checkpoint import AtomicLocalBackend, find_resumable_checkpoint

REPO = Path(__file__).resolve().parents[2]
WARMUP, MAX_ITERS = 3, 6  # ID for iterations 1-3, GS for 4-6; checkpoints after 2, 4, 6


def write_config(base: Path, folder: Path, kill_at=None) -> Path:
    """The CPU GraSS config ``base`` plus, for a killed run, the test-only SIGKILL hook."""
    hooks = [dict(type='GraSSHook', warmup_iters=WARMUP)]
    if kill_at is not None:
        hooks.append(dict(type='SigkillAtIterHook', at_iter=kill_at))
    path = folder / f'kill_{kill_at}.py'
    path.write_text(f"_base_ = [{str(base)!r}]\n"
                    "custom_imports = dict(imports=['grass_mm.pretrain', 'tests.test_reliability.sigkill_hook'],"
                    " allow_failed_imports=False)\n"
                    f"custom_hooks = {hooks!r}\n")
    return path


def start(config: Path, work_dir: Path, options: list, resume: bool = False) -> subprocess.Popen:
    """tools/train.py in a subprocess, deterministic on the CPU (1 thread, no workers, seeded)."""
    cmd = [sys.executable, str(REPO / 'tools' / 'train.py'), str(config), '--work-dir', str(work_dir)]
    cmd += ['--resume'] if resume else []
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', PYTHONPATH=str(REPO))
    return subprocess.Popen([*cmd, '--cfg-options', *options], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(proc: subprocess.Popen) -> tuple:
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


def test_sigkill_then_resume_equals_uninterrupted_run(tiny_folder, tmp_path, grass_cpu_config, small_options):
    options = small_options(tiny_folder, max_iters=MAX_ITERS, warmup=None)
    full = start(write_config(grass_cpu_config, tmp_path), tmp_path / 'full', options)
    killed = {k: start(write_config(grass_cpu_config, tmp_path, k), tmp_path / f'killed_{k}', options)
              for k in (3, 5)}
    code, out = finish(full)
    assert code == 0 and 'Advance dataloader' not in out, out[-3000:]
    for kill_at, proc in killed.items():
        code, out = finish(proc)
        assert code == -signal.SIGKILL, f'run to be killed at {kill_at} ended with {code}: {out[-3000:]}'
        work = tmp_path / f'killed_{kill_at}'
        expected = sorted(f'iter_{i}.pth' for i in range(2, kill_at, 2))
        assert sorted(p.name for p in work.glob('*.pth')) == expected
    # the kill at 5 happened after the switch; also break its pointer as a kill while writing it would
    (tmp_path / 'killed_5' / 'last_checkpoint').write_text('')
    resumed = {k: start(write_config(grass_cpu_config, tmp_path), tmp_path / f'killed_{k}', options, resume=True)
               for k in killed}
    want = torch.load(tmp_path / 'full' / f'iter_{MAX_ITERS}.pth', weights_only=True)
    for kill_at, proc in resumed.items():
        code, out = finish(proc)
        assert code == 0, out[-3000:]
        assert f'Advance dataloader {kill_at - 1} steps' in out
        got = torch.load(tmp_path / f'killed_{kill_at}' / f'iter_{MAX_ITERS}.pth', weights_only=True)
        assert got['meta']['iter'] == MAX_ITERS
        for key, value in want['state_dict'].items():
            assert torch.equal(got['state_dict'][key], value), f'kill at {kill_at}: {key} differs'
        for idx, state in want['optimizer']['state'].items():
            for name, value in state.items():
                assert torch.equal(got['optimizer']['state'][idx][name], value), f'optimizer {idx}.{name}'


def put_in_child(target: Path, size: int, limit: int, backend: str) -> int:
    """Writes ``size`` bytes with ``backend`` in a child that the kernel kills (SIGXFSZ) at ``limit`` bytes."""
    code = ('import signal, sys; from mmengine.fileio import LocalBackend; from grass_mm.checkpoint import '
            'AtomicLocalBackend; signal.signal(signal.SIGXFSZ, signal.SIG_DFL);'  # Python ignores it by default
            f'{backend}().put(b"n" * {size}, sys.argv[1])')

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, '-c', code, str(target)], preexec_fn=limit_file_size,
                          capture_output=True, timeout=120).returncode


@pytest.mark.parametrize('backend', ['AtomicLocalBackend', 'LocalBackend'])
def test_kill_during_put_never_truncates_the_file(tmp_path, backend):
    target = tmp_path / 'ckpt' / 'iter_4.pth'
    AtomicLocalBackend().put(b'old checkpoint', target)
    code = put_in_child(target, size=4 << 20, limit=1 << 20, backend=backend)
    assert code == -signal.SIGXFSZ  # killed by the kernel in the middle of the write
    if backend == 'AtomicLocalBackend':
        assert target.read_bytes() == b'old checkpoint'
        assert [p.name for p in target.parent.iterdir() if p.name.endswith('.pth')] == ['iter_4.pth']
        stale = [p.name for p in target.parent.glob('.iter_4.pth.*.part')]
        assert len(stale) == 1 and (target.parent / stale[0]).stat().st_size == 1 << 20
        other = target.parent / '.iter_2.pth.0123.part'  # another checkpoint's leftover is not touched
        other.write_bytes(b'partial')
        AtomicLocalBackend().put(b'rewritten after resume', target)
        assert target.read_bytes() == b'rewritten after resume'
        assert sorted(p.name for p in target.parent.iterdir()) == ['.iter_2.pth.0123.part', 'iter_4.pth']
    else:  # the plain backend is what the atomic one protects against: a truncated file under the final name
        assert 0 < target.stat().st_size == 1 << 20


def test_atomic_put_text_and_failed_put_cleanup(tmp_path):
    backend = AtomicLocalBackend()
    backend.put_text('iter_2.pth', tmp_path / 'last_checkpoint')
    assert (tmp_path / 'last_checkpoint').read_text() == 'iter_2.pth'
    reference = tmp_path / 'plain'
    reference.write_text('x')  # the permissions open() gives (umask applied), as mmengine's own backend
    assert (tmp_path / 'last_checkpoint').stat().st_mode == reference.stat().st_mode
    reference.unlink()
    with pytest.raises(TypeError):
        backend.put('not bytes', tmp_path / 'iter_4.pth')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['last_checkpoint']  # no temporary file left


def test_resumable_checkpoint_survives_a_broken_pointer(tmp_path):
    assert find_resumable_checkpoint(str(tmp_path)) is None
    for step in (2, 4, 10):
        (tmp_path / f'iter_{step}.pth').write_bytes(b'x')
        os.utime(tmp_path / f'iter_{step}.pth', (step, step))
    (tmp_path / '.iter_12.pth.abc.part').write_bytes(b'partial')  # a write killed midway is never picked
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text(str(tmp_path / 'iter_4.pth'))
    assert find_resumable_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_4.pth')  # the pointer wins
    pointer.write_text('')  # killed between mmengine's open('w') and write
    assert find_resumable_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_10.pth')
    pointer.write_text(str(tmp_path / 'iter_12.pth'))  # names a checkpoint that was never completed
    assert find_resumable_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_10.pth')
    for path in tmp_path.glob('iter_*.pth'):
        path.unlink()
    assert find_resumable_checkpoint(str(tmp_path)) is None
