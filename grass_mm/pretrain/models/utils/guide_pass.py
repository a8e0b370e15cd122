"""The guide pass's pieces shared by ``GraSS`` and the plug-in models: option checks, views, BN handling, forward."""
from contextlib import contextmanager, nullcontext
from typing import Iterator, Optional

import torch
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm


@contextmanager
def frozen_bn_statistics(module: torch.nn.Module, enabled: bool = True) -> Iterator[None]:
    """Keeps BatchNorm running statistics unchanged; BN still normalises with the batch statistics.

    Args:
        module (torch.nn.Module): Module whose ``_BatchNorm`` layers (SyncBN included) are frozen.
        enabled (bool): Whether to freeze. Defaults to True.
    """
    layers = [m for m in module.modules() if isinstance(m, _BatchNorm) and m.track_running_stats] \
        if enabled else []
    for layer in layers:
        layer.track_running_stats = False
    try:
        yield
    finally:
        for layer in layers:
            layer.track_running_stats = True


GUIDE_DTYPES = (None, 'bfloat16', 'float16')


def check_guide_options(owner: str, localize_scale: float, guide_updates_bn: bool,
                        guide_dtype: Optional[str]) -> None:
    """Validates the guide-pass options shared by ``GraSS`` and the plug-in models.

    Args:
        owner (str): The model's class name, for the error message.
        localize_scale (float): Must be a number in (0, 1].
        guide_updates_bn (bool): Must be a bool.
        guide_dtype (str, optional): Must be one of :data:`GUIDE_DTYPES`.
    """
    if isinstance(localize_scale, bool) or not isinstance(localize_scale, (int, float)) \
            or not 0 < localize_scale <= 1:
        raise ValueError(f'{owner}: localize_scale must be a number in (0, 1], got {localize_scale!r}')
    if not isinstance(guide_updates_bn, bool):
        raise ValueError(f'{owner}: guide_updates_bn must be a bool, got {guide_updates_bn!r}')
    if guide_dtype not in GUIDE_DTYPES:
        raise ValueError(f'{owner}: guide_dtype must be one of {GUIDE_DTYPES}, got {guide_dtype!r}')


def downscaled(views: torch.Tensor, localize_scale: float) -> torch.Tensor:
    """The guide pass's views: ``views`` resized by ``localize_scale`` (bilinear, antialiased), or as they are.

    Args:
        views (torch.Tensor): Views, (n, C, H, W).
        localize_scale (float): Factor in (0, 1]; 1 keeps the views.

    Returns:
        torch.Tensor: The guide views.
    """
    if localize_scale >= 1:
        return views
    size = [max(1, round(s * localize_scale)) for s in views.shape[-2:]]
    return F.interpolate(views, size=size, mode='bilinear', align_corners=False, antialias=True)


def guide_features(backbone: torch.nn.Module, views: torch.Tensor, guide_dtype: Optional[str]) -> torch.Tensor:
    """The backbone's last feature map of ``views`` without a graph, as a float leaf that requires grad.

    Args:
        backbone (torch.nn.Module): The online backbone; its last output is the last-stage feature map.
        views (torch.Tensor): Views, (n, C, H, W).
        guide_dtype (str, optional): Run the backbone under ``torch.autocast`` in this dtype on the views'
            device (``'bfloat16'`` or ``'float16'``) and return the map in float32; None runs it as the
            surrounding code does (float32, or the training loop's own autocast under AMP).

    Returns:
        torch.Tensor: The last feature map, (n, K, h, w), a leaf requiring grad.
    """
    amp = torch.autocast(views.device.type, dtype=getattr(torch, guide_dtype)) if guide_dtype else nullcontext()
    with torch.no_grad(), amp:
        feat = backbone(views)[-1]
    if guide_dtype:
        feat = feat.float()
    return feat.detach().requires_grad_(True)
