"""Crops of a batch of views to their boxes, resized back to the view size as ``F.interpolate`` of every crop.

The resize is separable: per axis, :func:`nearest_index` or :func:`linear_index` gives the source pixels (and
weights) of every output pixel. Two ways apply them. :func:`host_nearest_crop` (nearest on the CPU, the
default) takes rows, then columns, of one view at a time with NumPy, contiguous ranges of views in Python
threads (:mod:`.host_threads`): with the two cores shared by other processes, a two-thread torch gather waits
for a descheduled OpenMP thread in every one of its parallel regions (measured 5-12x slower than the
single-threaded takes under a load average of 6-12, and 1.4x slower with no other load); blocking threads do
not. :func:`tensor_crop` gathers with torch: all views at once on accelerators, in chunks on the CPU.
"""
from typing import Tuple

import numpy as np
import torch

from .host_threads import run_ranges

# Integer types of the same size: a nearest crop moves elements, whatever their type (bfloat16 included).
SAME_SIZE_INTEGER = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def nearest_index(start: torch.Tensor, size: torch.Tensor, out: int) -> Tuple[torch.Tensor]:
    """Source indices of ``F.interpolate(mode='nearest')`` from ``size`` to ``out`` pixels, float32 as torch.

    Args:
        start (torch.Tensor): (B,) first pixel of every box along the axis.
        size (torch.Tensor): (B,) box length along the axis.
        out (int): Output length.

    Returns:
        tuple[torch.Tensor]: One (B, out) long tensor of source indices.
    """
    scale = size.float() / out
    source = torch.floor(torch.arange(out, device=size.device).float() * scale[:, None]).long()
    return (start[:, None] + torch.minimum(source, size[:, None] - 1), )


def linear_index(start: torch.Tensor, size: torch.Tensor, out: int) -> Tuple[torch.Tensor, ...]:
    """Indices and weights of ``F.interpolate(mode='bilinear', align_corners=False)`` along one axis.

    Args:
        start (torch.Tensor): (B,) first pixel of every box along the axis.
        size (torch.Tensor): (B,) box length along the axis.
        out (int): Output length.

    Returns:
        tuple[torch.Tensor]: (B, out) low and high source indices and their weights.
    """
    scale = size.float() / out
    source = ((torch.arange(out, device=size.device).float() + 0.5) * scale[:, None] - 0.5).clamp(min=0)
    low = source.long()
    high = torch.minimum(low + 1, size[:, None] - 1)
    weight = (source - low).clamp(max=1)
    return start[:, None] + low, start[:, None] + high, 1 - weight, weight


def host_nearest_crop(views: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, out: torch.Tensor) -> None:
    """Nearest crops on the CPU with NumPy, view by view; ``out`` may be ``views`` itself.

    Args:
        views (torch.Tensor): (B, C, H, W) views on the CPU.
        rows (torch.Tensor): (B, H) source row of every output row.
        cols (torch.Tensor): (B, W) source column of every output column.
        out (torch.Tensor): (B, C, H, W) tensor to write into.
    """
    source, target = (t.detach().view(SAME_SIZE_INTEGER[t.element_size()]).numpy() for t in (views, out))
    rows, cols = rows.numpy(), cols.numpy()

    def crop(start: int, stop: int) -> None:
        for index in range(start, stop):
            np.take(np.take(source[index], rows[index], axis=1), cols[index], axis=2, out=target[index], mode='clip')

    run_ranges(crop, len(rows))


def tensor_crop(views: torch.Tensor, rows: Tuple[torch.Tensor, ...], cols: Tuple[torch.Tensor, ...],
                out: torch.Tensor, step: int) -> None:
    """Crops with torch gathers on the views' device, ``step`` views at a time; ``out`` may be ``views``.

    Args:
        views (torch.Tensor): (B, C, H, W) views.
        rows (tuple[torch.Tensor]): :func:`nearest_index` or :func:`linear_index` of the rows.
        cols (tuple[torch.Tensor]): The same for the columns.
        out (torch.Tensor): (B, C, H, W) tensor to write into.
        step (int): Views per gather.
    """
    batch, channels, height, width = views.shape
    aliased = out.untyped_storage().data_ptr() == views.untyped_storage().data_ptr()
    for s in range(0, batch, step):
        src, dst, n = views[s:s + step], out[s:s + step], min(step, batch - s)
        if len(rows) == 1:  # nearest: one gather of the flat pixel index
            flat = torch.add(cols[0][s:s + step, None, :], rows[0][s:s + step, :, None], alpha=width)
            flat = flat.view(n, 1, -1).expand(n, channels, -1)
            if aliased or not dst.is_contiguous():
                dst.copy_(src.reshape(n, channels, -1).gather(2, flat).view_as(dst))
            else:
                torch.gather(src.reshape(n, channels, -1), 2, flat, out=dst.view(n, channels, -1))
            continue
        rs = [t[s:s + step].view(n, 1, height, 1).expand(n, channels, height, width) for t in rows]
        cs = [t[s:s + step].view(n, 1, 1, width).expand(n, channels, height, width) for t in cols]
        src = src.gather(2, rs[0]) * rs[2][:, :1] + src.gather(2, rs[1]) * rs[3][:, :1]
        dst.copy_(src.gather(3, cs[0]) * cs[2][:, :1] + src.gather(3, cs[1]) * cs[3][:, :1])
