"""tools/train.py end to end: real Runner on real imagery and on a fixture, checkpoint -> --resume."""

import numpy as np
import pytest
import torch

from tools import train as train_tool


def test_train_then_resume_on_fixture(tiny_folder, tmp_path, grass_cpu_config, small_options, run_train, read_scalars):
    work = tmp_path / 'work'
    run_train(grass_cpu_config, work, small_options(tiny_folder, max_iters=2))
    ckpt = work / 'iter_2.pth'
    assert ckpt.is_file() and (work / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')
    saved = torch.load(ckpt, weights_only=True)  # the allow-list makes mmengine checkpoints weights-only
    assert saved['meta']['iter'] == 2

    # --resume continues from iter 2 to 4, crossing the ID -> GS switch
    run_train(grass_cpu_config, work, small_options(tiny_folder, max_iters=4), resume='auto')
    assert (work / 'iter_4.pth').is_file()
    steps = [row for row in read_scalars(work) if 'gs_phase' in row]
    assert [row['step'] for row in steps][-2:] == [3, 4]
    assert [row['gs_phase'] for row in steps][-2:] == [1.0, 1.0]
    resumed = torch.load(work / 'iter_4.pth', weights_only=True)
    changed = [k for k, v in resumed['state_dict'].items()
               if v.is_floating_point() and not torch.equal(v, saved['state_dict'][k])]
    assert any(k.startswith('backbone.') for k in changed)


def test_train_on_real_imagery(dubai_root, tmp_path, grass_cpu_config, small_options, run_train, read_scalars):
    work = tmp_path / 'work'
    run_train(grass_cpu_config, work, small_options(dubai_root / 'images', max_iters=3, warmup=1))
    rows = [row for row in read_scalars(work) if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [0.0, 1.0, 1.0]
    assert all(np.isfinite(row['loss']) for row in rows)
    assert all(0 < row['box_area_frac'] <= 1 for row in rows[1:])


def test_simclr_baseline_never_switches(tiny_folder, tmp_path, simclr_cpu_config, small_options, run_train,
                                        read_scalars):
    work = tmp_path / 'work'
    run_train(simclr_cpu_config, work, small_options(tiny_folder, max_iters=2, warmup=None))
    assert [row['gs_phase'] for row in read_scalars(work) if 'loss' in row] == [0.0, 0.0]


def test_bad_paths_are_named(tmp_path, grass_cpu_config):
    with pytest.raises(FileNotFoundError, match='nope.py'):
        train_tool.main([str(tmp_path / 'nope.py')])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        train_tool.main([str(grass_cpu_config), '--resume', str(tmp_path / 'missing.pth')])
