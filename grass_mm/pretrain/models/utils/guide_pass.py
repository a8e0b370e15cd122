"""The guide pass's pieces shared by ``GraSS`` and the plug-in models: its BN handling and its forward."""
from contextlib import contextmanager, nullcontext
from typing import Iterator, Optional

import torch
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


def check_guide_dtype(owner: str, guide_dtype: Optional[str]) -> Optional[str]:
    """Validates the ``guide_dtype`` option of a model with a guide pass.

    Args:
        owner (str): The model's class name, for the error message.
        guide_dtype (str, optional): The option's value.

    Returns:
        str, optional: ``guide_dtype`` unchanged.
    """
    if guide_dtype not in GUIDE_DTYPES:
        raise ValueError(f'{owner}: guide_dtype must be one of {GUIDE_DTYPES}, got {guide_dtype!r}')
    return guide_dtype


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
