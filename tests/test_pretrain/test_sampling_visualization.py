"""Sampling visualisation: the hook during training and tools/visualize_sampling.py."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmpretrain.registry import HOOKS, MODELS

from grass_mm.visualization import draw_sampling_grid
from tools import visualize_sampling

REPO = Path(__file__).resolve().parents[2]


def test_preview_matches_training_sampler_and_keeps_bn_state(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg(guide_updates_bn=True))
    x = torch.stack(make_views(size=64), 1).flatten(0, 1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    picked = model.sampling_preview(x)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    _, feat, grad = model.guide(x)
    crops, _ = model.sampler(x, feat, grad)
    torch.testing.assert_close(picked['crops'], crops)
    assert picked['boxes'].shape == (8, 4) and picked['cam'].shape == (8, 2, 2)


@pytest.mark.parametrize('height,width', [(20, 30), (112, 112)])  # 112: the study's views (once refused by OpenCV)
def test_grid_layout_and_box_drawn(height, width):
    x = torch.zeros(2, 3, height, width)
    cams = torch.arange(8.).view(2, 2, 2)
    boxes = torch.tensor([[0, 10, 0, 15], [5, 20, 10, 30]])
    grid = draw_sampling_grid(x, cams, boxes, x, [0, 0, 0], [1, 1, 1])
    assert grid.shape == (2 * height, 3 * width, 3) and grid.dtype == np.uint8
    assert (grid[0, width:width + 15] == 255).all()  # top edge of the first box in the overlay column, white
    assert (grid[:, :width] == 0).all() and (grid[:, 2 * width:] == 0).all()  # black views and crops


def test_hook_writes_grids_in_gs_phase_only(tmp_path, make_runner):
    hooks = [dict(type='GraSSHook', warmup_iters=2), dict(type='SamplingVisualizationHook', interval=2)]
    runner = make_runner(tmp_path, hooks, max_count=4, ckpt_interval=100)
    runner.train()
    written = sorted(p.name for p in (tmp_path / 'sampling_vis').glob('*.png'))
    assert written == ['iter_4.png']  # iter 2 is still in the ID warm-up
    grid = cv2.imread(str(tmp_path / 'sampling_vis' / 'iter_4.png'))
    assert grid.shape == (8 * 48, 3 * 48, 3)
    with pytest.raises(ValueError, match='interval'):
        HOOKS.build(dict(type='SamplingVisualizationHook', interval=0))


def test_visualize_sampling_tool(tmp_path):
    images = tmp_path / 'images'
    images.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        cv2.imwrite(str(images / f'{i}.png'), rng.integers(0, 255, (120, 140, 3), dtype=np.uint8))
    config = REPO / 'configs' / 'grass' / 'grass_resnet18_cpu_rsi-folder.py'
    paths = visualize_sampling.main([str(config), '--images', str(images), '--out-dir', str(tmp_path / 'vis'),
                       '--batches', '1', '--batch-size', '2'])
    assert len(paths) == 1
    assert cv2.imread(paths[0]).shape == (4 * 96, 3 * 96, 3)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        visualize_sampling.main([str(config), '--checkpoint', str(tmp_path / 'nope.pth'), '--images', str(images),
                   '--out-dir', str(tmp_path / 'vis')])
