"""Box of the chosen component of every map, per region rule, from host labels or from :func:`torch_labels`.

Rules: ``'peak'``: the component holding the map's peak (its first arg-max, row-major); ``'release'``: the
GraSS release's rule, the component whose bounding box holds a position of the map's maximum, ties to the
later label (the component whose first pixel comes later in raster order). Boxes are ``(r0, r1, c0, c1)``,
half-open, in map coordinates; a degenerate map gets an arbitrary box (the caller replaces it).
"""
import numpy as np
import torch
import torch.nn.functional as F

from .component_labels import Components


def release_pick(maps: torch.Tensor, key: torch.Tensor, eligible: torch.Tensor, batch: int) -> torch.Tensor:
    """The release's choice among m components: per map, the eligible one with the largest key.

    Args:
        maps (torch.Tensor): (m,) long map of every component.
        key (torch.Tensor): (m,) long raster index of every component's first pixel.
        eligible (torch.Tensor): (m,) bool: whether the component's box holds a maximum of its map.
        batch (int): Number of maps.

    Returns:
        torch.Tensor: (B,) long index of the chosen component, 0 where none is eligible.
    """
    score = torch.where(eligible, key, -1)
    best = score.new_full((batch, ), -1).scatter_reduce(0, maps, score, 'amax')
    chosen = (score == best[maps]) & (score >= 0)
    rows = torch.arange(len(maps), device=maps.device)
    return torch.zeros_like(best).scatter_(0, maps[chosen], rows[chosen])


def peak_boxes(labels: np.ndarray, peak: np.ndarray) -> np.ndarray:
    """The peak rule on host labels.

    Args:
        labels (np.ndarray): (B, H + 1, W) labels of :class:`Components`.
        peak (np.ndarray): (B,) row-major index of every map's peak in its (H, W) map.

    Returns:
        np.ndarray: (B, 4) int64 boxes.
    """
    batch, rows_per_map, width = labels.shape
    component = labels == labels[np.arange(batch), peak // width, peak % width][:, None, None]
    rows, cols = component.any(2), component.any(1)
    return np.stack([rows.argmax(1), rows_per_map - rows[:, ::-1].argmax(1), cols.argmax(1),
                     width - cols[:, ::-1].argmax(1)], 1).astype(np.int64)


def release_boxes(components: Components, maxima: np.ndarray) -> np.ndarray:
    """The release's rule on host labels: every component's box is tested against every maximum of its map.

    Args:
        components (Components): Labels and boxes (``with_boxes=True``).
        maxima (np.ndarray): (B, H, W) bool positions of every map's maximum.

    Returns:
        np.ndarray: (B, 4) int64 boxes.
    """
    labels, boxes = components
    maps, count, (batch, _, width) = boxes[:, 0], len(boxes), labels.shape
    first_cols = (labels[maps, boxes[:, 1]] == np.arange(count)[:, None]).argmax(1)  # in the box's first row
    max_map, max_row, max_col = np.nonzero(maxima)  # sorted by map
    first_max = np.searchsorted(max_map, np.arange(batch))
    tests = np.bincount(max_map, minlength=batch)[maps]  # maxima to test per component
    component = np.repeat(np.arange(count), tests)
    position = first_max[maps][component] + np.arange(len(component)) - np.repeat(np.cumsum(tests) - tests, tests)
    inside = ((max_row[position] >= boxes[component, 1]) & (max_row[position] < boxes[component, 2]) &
              (max_col[position] >= boxes[component, 3]) & (max_col[position] < boxes[component, 4]))
    holds_max = (np.bincount(component[inside], minlength=count) > 0) & (np.arange(count) > 0)  # 0: background
    key = boxes[:, 1] * width + first_cols
    pick = release_pick(*(torch.from_numpy(x) for x in (maps, key, holds_max)), batch)
    return boxes[pick.numpy(), 1:]


def tensor_peak_boxes(labels: torch.Tensor, peak: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """The peak rule on :func:`torch_labels`, on their device.

    Args:
        labels (torch.Tensor): (B, H * W) labels.
        peak (torch.Tensor): (B,) row-major index of every map's peak.
        height (int): H.
        width (int): W.

    Returns:
        torch.Tensor: (B, 4) long boxes.
    """
    component = (labels == labels.gather(1, peak[:, None])).view(-1, height, width)
    rows, cols = component.any(2).int(), component.any(1).int()
    return torch.stack([rows.argmax(1), height - rows.flip(1).argmax(1), cols.argmax(1),
                        width - cols.flip(1).argmax(1)], 1)


def tensor_release_boxes(labels: torch.Tensor, maxima: torch.Tensor) -> torch.Tensor:
    """The release's rule on :func:`torch_labels`: boxes by scatter-min/max, maxima counted in summed-area tables.

    Args:
        labels (torch.Tensor): (B, H * W) labels.
        maxima (torch.Tensor): (B, H, W) bool positions of every map's maximum.

    Returns:
        torch.Tensor: (B, 4) long boxes.
    """
    batch, height, width = maxima.shape
    n, device = height * width, labels.device
    pixel, foreground = torch.arange(n, device=device), (labels > 0).flatten()
    map_of = torch.arange(batch, device=device).repeat_interleave(n)
    slot = (torch.arange(batch, device=device)[:, None] * n + (labels - 1).clamp(min=0)).flatten()
    # One row per (map, first pixel) slot: (map, r0, r1, c0, c1), filled where the slot is a component.
    boxes = torch.stack([map_of, torch.full_like(slot, height), torch.zeros_like(slot), torch.full_like(slot, width),
                         torch.zeros_like(slot)], 1)
    bounds = (pixel // width, pixel // width + 1, pixel % width, pixel % width + 1)
    for column, values, reduce in zip(range(1, 5), bounds, ('amin', 'amax', 'amin', 'amax')):
        boxes[:, column].scatter_reduce_(0, slot[foreground], values.repeat(batch)[foreground], reduce)
    table = F.pad(maxima.int().cumsum(1).cumsum(2), (1, 0, 1, 0)).flatten(1)  # summed-area tables
    b, r0, r1, c0, c1, w1 = *boxes.unbind(1), width + 1
    holds_max = (table[b, r1 * w1 + c1] - table[b, r0 * w1 + c1] - table[b, r1 * w1 + c0] + table[b, r0 * w1 + c0]) > 0
    is_component = (labels == pixel + 1).flatten()
    return boxes[release_pick(b, pixel.repeat(batch), holds_max & is_component, batch), 1:]
