"""Draws what the gradient guided sampler picked: view, Grad-CAM overlay with the box, and the crop."""
from typing import Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F


def to_uint8_images(views: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """Undoes the data preprocessor's normalisation.

    Args:
        views (torch.Tensor): Normalised RGB views, (B, 3, H, W).
        mean (Sequence[float]): Per-channel mean used by the preprocessor (0-255 scale).
        std (Sequence[float]): Per-channel std used by the preprocessor.

    Returns:
        np.ndarray: (B, H, W, 3) uint8 RGB images.
    """
    mean_t = views.new_tensor(mean).view(1, -1, 1, 1)
    std_t = views.new_tensor(std).view(1, -1, 1, 1)
    images = (views.detach().float() * std_t + mean_t).clamp(0, 255)
    return images.permute(0, 2, 3, 1).round().to(torch.uint8).cpu().numpy()


def draw_sampling_grid(views: torch.Tensor,
                       cams: torch.Tensor,
                       boxes: torch.Tensor,
                       crops: torch.Tensor,
                       mean: Sequence[float],
                       std: Sequence[float],
                       max_rows: int = 8) -> np.ndarray:
    """Builds one RGB image with a row per view: view | Grad-CAM overlay + box | crop.

    Args:
        views (torch.Tensor): Normalised views, (B, 3, H, W).
        cams (torch.Tensor): Grad-CAM maps at feature resolution, (B, h, w).
        boxes (torch.Tensor): Boxes ``(r0, r1, c0, c1)`` in view pixels, (B, 4).
        crops (torch.Tensor): Normalised crops resized to the view size, (B, 3, H, W).
        mean (Sequence[float]): Preprocessor mean.
        std (Sequence[float]): Preprocessor std.
        max_rows (int): Number of views drawn. Defaults to 8.

    Returns:
        np.ndarray: (rows * H, 3 * W, 3) uint8 RGB grid.
    """
    n = min(max_rows, views.size(0))
    height, width = views.shape[-2:]
    images = to_uint8_images(views[:n], mean, std)
    crop_images = to_uint8_images(crops[:n], mean, std)
    maps = F.interpolate(cams[:n, None].detach().float(), size=(height, width), mode='bilinear',
                         align_corners=False)[:, 0].cpu().numpy()
    rows = []
    for i in range(n):
        cam = np.nan_to_num(maps[i], nan=0.0, posinf=0.0, neginf=0.0)
        span = cam.max() - cam.min()
        cam = (cam - cam.min()) / span if span > 0 else np.zeros_like(cam)
        heat = cv2.applyColorMap((cam * 255).astype(np.uint8), cv2.COLORMAP_JET)[..., ::-1]
        # C order for OpenCV: the blend follows its inputs' strides (the colour map is reversed along channels)
        overlay = np.ascontiguousarray((0.5 * images[i] + 0.5 * heat).astype(np.uint8))
        r0, r1, c0, c1 = (int(v) for v in boxes[i].tolist())
        cv2.rectangle(overlay, (c0, r0), (max(c0, c1 - 1), max(r0, r1 - 1)), (255, 255, 255), 1)
        rows.append(np.concatenate([images[i], overlay, crop_images[i]], axis=1))
    return np.ascontiguousarray(np.concatenate(rows, axis=0))
