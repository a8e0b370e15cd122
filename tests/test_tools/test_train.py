"""tools/train.py end to end: real Runner on real imagery and on a fixture, checkpoint -> --resume, schedules
that follow the training length, --auto-scale-lr, --data-root, --tensorboard."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config

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


def test_ten_times_the_shipped_length_keeps_the_schedule_shape(tiny_folder, tmp_path, grass_cpu_config, small_options,
                                                               tiny_model_options, run_train, read_scalars):
    """max_iters 10x the shipped 60 and nothing else: the lr warm-up stays 10 %, the ID warm-up a third, and the
    cosine reaches its end at the last iteration (read from the logged lr)."""
    shipped = Config.fromfile(str(grass_cpu_config))
    iters, base_lr = 10 * shipped.train_cfg.max_iters, shipped.optim_wrapper.optimizer.lr
    work = tmp_path / 'work'
    options = small_options(tiny_folder, max_iters=iters, warmup=None) + tiny_model_options + [
        'train_dataloader.batch_size=2', 'train_dataloader.dataset.samples_per_image=200',
        'train_dataloader.dataset.pipeline.1.transforms.0.0.scale=32', f'default_hooks.checkpoint.interval={iters}']
    run_train(grass_cpu_config, work, options)
    rows = [row for row in read_scalars(work) if 'lr' in row]
    lrs = np.array([row['lr'] for row in rows])  # row k holds the lr of iteration k - 1
    assert [row['step'] for row in rows] == list(range(1, iters + 1))
    warmup = iters // 10
    assert np.all(np.diff(lrs[:warmup]) > 0) and lrs[warmup - 1] == pytest.approx(base_lr)
    assert int(np.argmax(lrs)) + 1 == warmup  # peak at 10 % of the run, as the shipped 6 of 60
    # cosine from iteration `warmup` to the end of training: lr = base * (1 + cos(pi * t / T)) / 2
    t = np.arange(iters - warmup)
    expected = base_lr * (1 + np.cos(np.pi * t / (iters - warmup))) / 2
    np.testing.assert_allclose(lrs[warmup:], expected, rtol=1e-3, atol=1e-9)
    assert lrs[-1] < 1e-5 * base_lr  # the cosine's end, at the last iteration
    phases = [row['gs_phase'] for row in rows]
    assert phases.index(1.0) == iters // 3 and set(phases[iters // 3:]) == {1.0}  # ID warm-up: a third, as shipped


def test_auto_scale_lr_scales_by_the_global_batch(tiny_folder, tmp_path, repo_root, grass_cpu_config, small_options,
                                                  tiny_model_options, run_train, read_scalars, free_port):
    """--auto-scale-lr: lr x (processes x batch per process) / auto_scale_lr.base_batch_size (8 here)."""
    options = small_options(tiny_folder, max_iters=1, warmup=None) + tiny_model_options + [
        'train_dataloader.batch_size=2']
    first_lr = 0.15 * 1e-4  # the config's lr x LinearLR's start factor

    def logged_lr(work):
        return next(row['lr'] for row in read_scalars(work) if 'lr' in row)

    run_train(grass_cpu_config, tmp_path / 'plain', options)
    run_train(grass_cpu_config, tmp_path / 'one', options, extra=['--auto-scale-lr'])
    assert logged_lr(tmp_path / 'plain') == pytest.approx(first_lr)
    assert logged_lr(tmp_path / 'one') == pytest.approx(first_lr * 2 / 8)  # 1 process x 2 images

    work = tmp_path / 'two'
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', str(free_port()),
           str(repo_root / 'tools' / 'train.py'), str(grass_cpu_config), '--launcher', 'pytorch', '--auto-scale-lr',
           '--work-dir', str(work), '--cfg-options', *options]
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(repo_root))
    proc = subprocess.run(cmd, cwd=repo_root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert logged_lr(work) == pytest.approx(first_lr * 2 * 2 / 8)  # 2 processes x 2 images: global batch 4
    assert 'Scaling the original LR by 0.5' in proc.stdout + proc.stderr


def test_auto_scale_lr_needs_the_base_batch(grass_cpu_config):
    args = train_tool.parse_args([str(grass_cpu_config), '--auto-scale-lr', '--cfg-options', 'auto_scale_lr=None'])
    with pytest.raises(KeyError, match='--auto-scale-lr needs auto_scale_lr.base_batch_size'):
        train_tool.build_config(args)


def test_data_root_and_config_variables(tmp_path, repo_root):
    seg = repo_root / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
        'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'
    cfg = train_tool.build_config(train_tool.parse_args([str(seg), '--data-root', str(tmp_path)]))
    roots = [cfg.train_dataloader.dataset.dataset.data_root, cfg.val_dataloader.dataset.data_root,
             cfg.test_dataloader.dataset.data_root, cfg.data_root]
    assert roots == [str(tmp_path)] * 4  # through the LabelFractionDataset wrapper
    # a variable of the config file does nothing once loaded: refused, naming the keys that read it
    with pytest.raises(KeyError, match=r"'data_root' is a variable of .*train_dataloader.dataset.dataset.data_root, "
                       r'val_dataloader.dataset.data_root, test_dataloader.dataset.data_root.*--data-root'):
        train_tool.build_config(train_tool.parse_args([str(seg), '--cfg-options', f'data_root={tmp_path}']))
    with pytest.raises(KeyError, match=r"'crop_size' is a variable .*model.data_preprocessor.size"):
        train_tool.build_config(train_tool.parse_args([str(seg), '--cfg-options', 'crop_size=(128,128)']))


def test_tensorboard_is_an_optional_backend(grass_cpu_config):
    args = train_tool.parse_args([str(grass_cpu_config), '--tensorboard'])
    if importlib.util.find_spec('tensorboard') is None:
        with pytest.raises(ImportError, match='pip install tensorboard'):
            train_tool.build_config(args)
    else:
        backends = train_tool.build_config(args).visualizer.vis_backends
        assert [b['type'] for b in backends] == ['LocalVisBackend', 'TensorboardVisBackend']
