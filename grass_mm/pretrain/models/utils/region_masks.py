"""Region masks of a batch of Grad-CAM maps: upsampled maps, their peak, the thresholded foreground, degenerate flags.

Upsampling is bilinear, align_corners=False: one multi-channel OpenCV resize per chunk of maps on the CPU
(:func:`cpu_region_masks`, 4x faster than ``F.interpolate`` there; the release used OpenCV too, whose
multi-channel path differs from its single-channel one in the last bits only), ``F.interpolate`` on the maps'
device elsewhere (:func:`tensor_region_masks`). The threshold is ``min + ratio * (max - min)``, computed in
float64 and rounded to float32 as the release's NumPy 1.x comparison did; the foreground is strictly above it.
"""
from typing import NamedTuple, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn.functional as F

Array = Union[np.ndarray, torch.Tensor]


class RegionMasks(NamedTuple):
    """The masks of B maps upsampled to (H, W): NumPy arrays on the CPU path, tensors on the device path.

    Attributes:
        upsampled (Array): (B, H * W) float32 upsampled maps.
        peak (Array): (B,) int64 row-major index of every map's first arg-max.
        top (Array): (B,) float32 maximum of every upsampled map.
        foreground (Array): (B, H + 1, W) uint8, 1 above the threshold. The last row is 0 in every map, so that
            the stack read as one (B * (H + 1), W) image holds the maps apart: one labelling call takes them all.
        degenerate (Array): (B,) bool: NaN/inf in the map, or no pixel above the threshold.
    """

    upsampled: Array
    peak: Array
    top: Array
    foreground: Array
    degenerate: Array

    def maxima(self) -> Array:
        """(B, H, W) bool: the positions that hold their map's maximum (the release's rule tests boxes on them)."""
        batch, rows, width = self.foreground.shape
        return (self.upsampled == self.top[:, None]).reshape(batch, rows - 1, width)


def cpu_region_masks(cam: torch.Tensor, size: Tuple[int, int], ratio: float) -> RegionMasks:
    """Region masks with NumPy and OpenCV (one resize call for all maps, at most 512 of them).

    Args:
        cam (torch.Tensor): (B, h, w) maps on the CPU.
        size (tuple[int, int]): (H, W), the size the maps are upsampled to.
        ratio (float): Threshold ratio.

    Returns:
        RegionMasks: NumPy arrays.
    """
    (height, width), batch = size, cam.size(0)
    low_res = np.ascontiguousarray(cam.float().numpy().transpose(1, 2, 0))  # one channel per map
    upsampled = cv2.resize(low_res, (width, height), interpolation=cv2.INTER_LINEAR)
    upsampled = cv2.transpose(upsampled.reshape(height * width, batch))
    peak = upsampled.argmax(1)
    top, low = upsampled[np.arange(batch), peak], upsampled.min(1)
    with np.errstate(invalid='ignore', over='ignore'):  # NaN/inf maps come out degenerate
        threshold = (low.astype(np.float64) + (top - low).astype(np.float64) * ratio).astype(np.float32)
        degenerate = ~(top > threshold) | ~np.isfinite(low_res).all((0, 1))
        foreground = np.zeros((batch, height + 1, width), dtype=np.uint8)
        np.greater(upsampled.reshape(batch, height, width), threshold[:, None, None], out=foreground[:, :height])
    return RegionMasks(upsampled, peak, top, foreground, degenerate)


def tensor_region_masks(cam: torch.Tensor, size: Tuple[int, int], ratio: float) -> RegionMasks:
    """Region masks with tensor ops on the maps' device (``F.interpolate`` for the upsampling).

    Args:
        cam (torch.Tensor): (B, h, w) maps.
        size (tuple[int, int]): (H, W), the size the maps are upsampled to.
        ratio (float): Threshold ratio.

    Returns:
        RegionMasks: Tensors on ``cam.device``.
    """
    (height, width), batch = size, cam.size(0)
    upsampled = F.interpolate(cam[:, None].float(), size=size, mode='bilinear', align_corners=False).flatten(1)
    peak = upsampled.argmax(1)
    top, low = upsampled.gather(1, peak[:, None])[:, 0], upsampled.amin(1)
    threshold = (low.double() + (top - low).double() * ratio).float()
    degenerate = ~(top > threshold) | ~torch.isfinite(cam.flatten(1)).all(1)
    foreground = torch.zeros(batch, height + 1, width, dtype=torch.uint8, device=cam.device)
    torch.gt(upsampled.view(batch, height, width), threshold[:, None, None], out=foreground[:, :height])
    return RegionMasks(upsampled, peak, top, foreground, degenerate)
