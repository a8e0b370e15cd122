"""Draws what the gradient guided sampler picks, every K iterations of the GS phase."""
import os.path as osp
from typing import Optional, Sequence

import mmengine
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

from grass_mm.visualization import preview_batch, save_grid


@HOOKS.register_module()
class SamplingVisualizationHook(Hook):
    """Saves a PNG grid (view | Grad-CAM overlay + box | crop) and sends it to the visualiser backends.

    Every ``interval`` iterations in the GS phase the hook re-runs the guide pass on the iteration's batch
    with the parameters after the update (BN statistics untouched, no RNG consumed), so the picture shows
    what the sampler picks at that point of training. Images go to ``<work_dir>/sampling_vis/iter_K.png``
    and to ``runner.visualizer.add_image('grass_sampling', ...)`` (TensorBoard, W&B, ... when configured).

    Args:
        interval (int): Draw every ``interval`` iterations. Defaults to 500.
        max_rows (int): Views per picture. Defaults to 8.
        out_dir (str): Sub-folder of the work dir. Defaults to 'sampling_vis'.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 500, max_rows: int = 8, out_dir: str = 'sampling_vis') -> None:
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(f'SamplingVisualizationHook: interval must be a positive int, got {interval!r}')
        self.interval = interval
        self.max_rows = max_rows
        self.out_dir = out_dir

    def after_train_iter(self, runner, batch_idx: int, data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[dict] = None) -> None:
        """Draws the sampling of this iteration's batch every ``interval`` GS iterations."""
        model = get_ori_model(runner.model)
        if model.phase != 'gs' or not self.every_n_train_iters(runner, self.interval) or data_batch is None:
            return
        grid = preview_batch(model, data_batch, self.max_rows)['grid']
        folder = osp.join(runner.work_dir, self.out_dir)
        mmengine.mkdir_or_exist(folder)
        save_grid(grid, osp.join(folder, f'iter_{runner.iter + 1}.png'))
        runner.visualizer.add_image('grass_sampling', grid, step=runner.iter + 1)
