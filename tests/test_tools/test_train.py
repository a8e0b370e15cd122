"""tools/train.py end to end: real Runner on real imagery and on a fixture, checkpoint -> --resume."""
import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
GRASS_CPU = REPO / 'configs' / 'grass' / 'grass_resnet18_cpu_rsi-folder.py'
SIMCLR_CPU = REPO / 'configs' / 'simclr' / 'simclr_resnet18_cpu_rsi-folder.py'


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f'grass_tools_{name}', REPO / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRAIN = load_tool('train')


def small_options(data_root, max_iters: int, warmup: int = 2) -> list:
    """Shrinks the CPU config further for a test: 4 images of 48 px views, no workers."""
    hook = [f'custom_hooks.0.warmup_iters={warmup}'] if warmup is not None else []
    return hook + [
        f'train_dataloader.dataset.data_root={data_root}', 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.pipeline.0.window_size=96',
        'train_dataloader.dataset.pipeline.1.transforms.0.0.scale=48', f'train_cfg.max_iters={max_iters}',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1', 'randomness.deterministic=True'
    ]


def run_train(config, work_dir, options, resume=None):
    argv = [str(config), '--work-dir', str(work_dir), '--cfg-options', *options]
    if resume is not None:
        argv[1:1] = ['--resume'] if resume == 'auto' else ['--resume', str(resume)]
    TRAIN.main(argv)


def scalars(work_dir: Path) -> list:
    logs = sorted(work_dir.glob('*/vis_data/scalars.json'))
    return [json.loads(line) for path in logs for line in path.read_text().splitlines()]


@pytest.fixture
def tiny_folder(tmp_path) -> Path:
    """Six 128 x 160 RGB images with structure (gradients and squares), in two sub-folders."""
    rng = np.random.default_rng(0)
    for i in range(6):
        img = np.zeros((128, 160, 3), np.uint8)
        img[...] = np.linspace(0, 255, 160, dtype=np.uint8)[None, :, None]
        r, c = rng.integers(0, 90, size=2)
        img[r:r + 30, c:c + 40] = rng.integers(0, 255, size=3)
        sub = tmp_path / 'tiles' / f'part{i % 2}'
        sub.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(sub / f'img{i}.png'), img)
    return tmp_path / 'tiles'


def test_train_then_resume_on_fixture(tiny_folder, tmp_path):
    work = tmp_path / 'work'
    run_train(GRASS_CPU, work, small_options(tiny_folder, max_iters=2))
    ckpt = work / 'iter_2.pth'
    assert ckpt.is_file() and (work / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')
    saved = torch.load(ckpt, weights_only=True)  # the allow-list makes mmengine checkpoints weights-only
    assert saved['meta']['iter'] == 2

    # --resume continues from iter 2 to 4, crossing the ID -> GS switch
    run_train(GRASS_CPU, work, small_options(tiny_folder, max_iters=4), resume='auto')
    assert (work / 'iter_4.pth').is_file()
    steps = [row for row in scalars(work) if 'gs_phase' in row]
    assert [row['step'] for row in steps][-2:] == [3, 4]
    assert [row['gs_phase'] for row in steps][-2:] == [1.0, 1.0]
    resumed = torch.load(work / 'iter_4.pth', weights_only=True)
    changed = [k for k, v in resumed['state_dict'].items()
               if v.is_floating_point() and not torch.equal(v, saved['state_dict'][k])]
    assert any(k.startswith('backbone.') for k in changed)


def test_train_on_real_imagery(dubai_root, tmp_path):
    work = tmp_path / 'work'
    run_train(GRASS_CPU, work, small_options(dubai_root / 'images', max_iters=3, warmup=1))
    rows = [row for row in scalars(work) if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [0.0, 1.0, 1.0]
    assert all(np.isfinite(row['loss']) for row in rows)
    assert all(0 < row['box_area_frac'] <= 1 for row in rows[1:])


def test_simclr_baseline_never_switches(tiny_folder, tmp_path):
    work = tmp_path / 'work'
    run_train(SIMCLR_CPU, work, small_options(tiny_folder, max_iters=2, warmup=None))
    assert [row['gs_phase'] for row in scalars(work) if 'loss' in row] == [0.0, 0.0]


def test_bad_paths_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.py'):
        TRAIN.main([str(tmp_path / 'nope.py')])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        TRAIN.main([str(GRASS_CPU), '--resume', str(tmp_path / 'missing.pth')])
