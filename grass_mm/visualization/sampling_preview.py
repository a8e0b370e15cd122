"""What the gradient guided sampler picks for a data batch, as one picture: shared by hook and tool."""
from typing import Dict, Sequence

import cv2
import numpy as np
import torch

from .sampling_grid import draw_sampling_grid


def preview_batch(model: torch.nn.Module, data_batch: Dict[str, Sequence], max_views: int) -> dict:
    """Runs the model's preprocessor and ``sampling_preview`` on a batch and draws the grid.

    The two views of every image are interleaved (pairs adjacent) as ``GraSS.loss`` stacks them, and the
    first ``max_views`` views are drawn: view | Grad-CAM overlay with the box | crop. No model state
    changes (``GraSS.sampling_preview`` keeps BN statistics; no RNG is consumed).

    Args:
        model (torch.nn.Module): A GraSS model (``data_preprocessor``, ``sampling_preview``, ``sampler``).
        data_batch (dict): A batch as the dataloader gives it (``inputs``: two lists of views).
        max_views (int): How many views to draw.

    Returns:
        dict: ``grid`` ((rows * H, 3 * W, 3) uint8 RGB), ``views`` (rows drawn), ``box_area_frac`` (mean
        box area over the view area) and ``degenerate`` (maps that kept the whole view).
    """
    data = model.data_preprocessor(data_batch, True)
    views = torch.stack(data['inputs'], 1).flatten(0, 1)[:max_views]
    picked = model.sampling_preview(views)
    preprocessor = model.data_preprocessor
    grid = draw_sampling_grid(views, picked['cam'], picked['boxes'], picked['crops'],
                              preprocessor.mean.flatten().tolist(), preprocessor.std.flatten().tolist(),
                              max_rows=len(views))
    area = model.sampler.box_area_fraction(picked['boxes'], views.shape[-2:])
    return dict(grid=grid, views=len(views), box_area_frac=float(area.mean()),
                degenerate=int(picked['degenerate'].sum()))


def save_grid(grid: np.ndarray, path: str) -> str:
    """Writes an RGB grid as PNG.

    Args:
        grid (np.ndarray): (H, W, 3) uint8 RGB image.
        path (str): The PNG file; its folder must exist.

    Returns:
        str: ``path``.

    Raises:
        OSError: If OpenCV could not write the file.
    """
    if not cv2.imwrite(str(path), np.ascontiguousarray(grid[..., ::-1])):
        raise OSError(f'could not write {path}')
    return str(path)
