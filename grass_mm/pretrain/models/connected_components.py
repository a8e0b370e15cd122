"""Region boxes of a batch of Grad-CAM maps: upsample, threshold, 8-connected component, box; batched.

Upsampling is bilinear, align_corners=False: ``F.interpolate`` on accelerators, one multi-channel OpenCV
resize per chunk of maps on the CPU (4x faster; the release used OpenCV too, whose multi-channel path
differs from its single-channel one in the last bits only). Masks sit in one ``(B, H + 1, W)`` uint8 array
whose last row is 0 in every map: as one ``(B * (H + 1), W)`` image the maps never touch, so OpenCV labels
them in one call; SciPy labels the stack in one call with a 3x3x3 structuring element whose outer planes
are zero; the torch labeller (any device, no host round trip for data) labels all maps at once.

Rules (the peak is the first arg-max of the upsampled map, row-major): ``'peak'``: the component holding
the peak; ``'release'``: the GraSS release's rule, the component whose bounding box holds a maximum
position, ties to the later label (first pixel later in raster order). Boxes are ``(r0, r1, c0, c1)``,
half-open, in map coordinates.
"""
from typing import Optional, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

SCIPY_STRUCTURE = np.pad(np.ones((1, 3, 3), dtype=bool), ((1, 1), (0, 0), (0, 0)))


def torch_labels(mask: torch.Tensor, check_every: int = 2) -> torch.Tensor:
    """Labels 8-connected components with tensor ops: neighbour max-pooling, hooking, pointer jumping.

    Every foreground pixel refers to a pixel of its component (encoded as ``H * W - index``, larger is
    earlier). A round pools the 3x3 neighbourhood, hooks the best neighbour into the pixel's reference
    (scatter-max) and jumps pointers twice; smooth blobs and a serpentine converge in about ten rounds.

    Args:
        mask (torch.Tensor): Foreground, (B, H, W) bool, with ``H * W < 2 ** 24``.
        check_every (int): Rounds between convergence checks (host syncs). Defaults to 2.

    Returns:
        torch.Tensor: (B, H * W) long: 0 on the background, else 1 + the row-major index of the first
        pixel of the pixel's component.
    """
    (batch, height, width), n = mask.shape, mask[0].numel()
    if n >= 2 ** 24:
        raise ValueError(f'torch_labels: maps of {height}x{width} pixels exceed the exact float32 range')
    fg = mask.reshape(batch, n).float()
    lab = (n - torch.arange(n, device=mask.device)).float() * fg
    while True:
        prev = lab
        for _ in range(check_every):
            best = F.max_pool2d(lab.view(batch, 1, height, width), 3, 1, 1).view(batch, n) * fg
            lab = torch.maximum(lab.scatter_reduce(1, (n - lab).long().clamp_(max=n - 1), best, 'amax'), best)
            for _ in range(2):
                lab = lab.gather(1, (n - lab).long().clamp_(max=n - 1)) * fg
        if torch.equal(lab, prev):
            return torch.where(fg > 0, n - lab.long() + 1, 0)


def _release_pick(maps: torch.Tensor, key: torch.Tensor, eligible: torch.Tensor, batch: int) -> torch.Tensor:
    """The release's rule over m components (their map, first-pixel raster index, whether their box holds a
    maximum): per map the eligible one with the largest key; (B,) indices, 0 where none is eligible."""
    score = torch.where(eligible, key, -1)
    best = score.new_full((batch, ), -1).scatter_reduce(0, maps, score, 'amax')
    chosen = (score == best[maps]) & (score >= 0)
    rows = torch.arange(len(maps), device=maps.device)
    return torch.zeros_like(best).scatter_(0, maps[chosen], rows[chosen])


def _torch_boxes(mask: torch.Tensor, peak: torch.Tensor, maxmask: Optional[torch.Tensor]) -> torch.Tensor:
    batch, height, width = mask.shape
    n, dev, lab = height * width, mask.device, torch_labels(mask)
    if maxmask is None:
        comp = (lab == lab.gather(1, peak[:, None])).view(batch, height, width)
        rows, cols = comp.any(2).int(), comp.any(1).int()
        return torch.stack([rows.argmax(1), height - rows.flip(1).argmax(1),
                            cols.argmax(1), width - cols.flip(1).argmax(1)], 1)
    pix, fg = torch.arange(n, device=dev), (lab > 0).flatten()
    slot = (torch.arange(batch, device=dev)[:, None] * n + (lab - 1).clamp(min=0)).flatten()
    table = torch.stack([torch.arange(batch, device=dev).repeat_interleave(n), torch.full_like(slot, height),
                         torch.zeros_like(slot), torch.full_like(slot, width), torch.zeros_like(slot)], 1)
    coords = (pix // width, pix // width + 1, pix % width, pix % width + 1)
    for col, values, how in zip(range(1, 5), coords, ('amin', 'amax', 'amin', 'amax')):
        table[:, col].scatter_reduce_(0, slot[fg], values.repeat(batch)[fg], how)
    sat = F.pad(maxmask.int().cumsum(1).cumsum(2), (1, 0, 1, 0)).flatten(1)  # summed-area tables
    b, r0, r1, c0, c1, w1 = *table.unbind(1), width + 1
    hits = (sat[b, r1 * w1 + c1] - sat[b, r0 * w1 + c1] - sat[b, r1 * w1 + c0] + sat[b, r0 * w1 + c0]) > 0
    return table[_release_pick(b, pix.repeat(batch), hits & (lab == pix + 1).flatten(), batch), 1:]


def _cpu_boxes(padded: np.ndarray, peak: np.ndarray, maxmask: Optional[np.ndarray], backend: str) -> np.ndarray:
    batch, rows_per_map, width = padded.shape
    if backend == 'opencv':
        flat = padded.reshape(batch * rows_per_map, width)
        if maxmask is None:
            labels = cv2.connectedComponents(flat, connectivity=8, ltype=cv2.CV_32S)[1].reshape(padded.shape)
        else:
            _, labels, stats, _ = cv2.connectedComponentsWithStats(flat, connectivity=8, ltype=cv2.CV_32S)
            labels = labels.reshape(padded.shape)
            left, top, w, h = (stats[:, i].astype(np.int64) for i in range(4))
            b = top // rows_per_map
            table = np.stack([b, top - b * rows_per_map, top - b * rows_per_map + h, left, left + w], 1)
            table[0] = 0  # the background
    else:
        labels = ndimage.label(padded, structure=SCIPY_STRUCTURE)[0]
        if maxmask is not None:
            table = np.array([(0, 0, 0, 0, 0)] + [(sb.start, sr.start, sr.stop, sc.start, sc.stop)
                                                  for sb, sr, sc in ndimage.find_objects(labels)], dtype=np.int64)
    if maxmask is None:
        comp = labels == labels[np.arange(batch), peak // width, peak % width][:, None, None]
        rows, cols = comp.any(2), comp.any(1)
        return np.stack([rows.argmax(1), rows_per_map - rows[:, ::-1].argmax(1), cols.argmax(1),
                         width - cols[:, ::-1].argmax(1)], 1).astype(np.int64)
    first_cols = (labels[table[:, 0], table[:, 1]] == np.arange(len(table))[:, None]).argmax(1)
    mb, mr, mc = np.nonzero(maxmask)  # maximum positions, by map; test every (component, position) pair
    starts, counts = np.searchsorted(mb, np.arange(batch)), np.bincount(mb, minlength=batch)
    per_comp = counts[table[:, 0]]
    comp = np.repeat(np.arange(len(table)), per_comp)
    pos = np.arange(len(comp)) - np.repeat(np.cumsum(per_comp) - per_comp - starts[table[:, 0]], per_comp)
    inside = ((mr[pos] >= table[comp, 1]) & (mr[pos] < table[comp, 2]) & (mc[pos] >= table[comp, 3]) &
              (mc[pos] < table[comp, 4]))
    hits = (np.bincount(comp[inside], minlength=len(table)) > 0) & (np.arange(len(table)) > 0)  # 0: background
    pick = _release_pick(*(torch.from_numpy(x) for x in (table[:, 0], table[:, 1] * width + first_cols, hits)), batch)
    return table[pick.numpy(), 1:]


def _cpu_masks(cam: torch.Tensor, size: Tuple[int, int], ratio: float) -> Tuple[np.ndarray, ...]:
    """NumPy/OpenCV on the CPU: upsampled (B, Hm * Wm) maps, first arg-max, padded masks, degenerate flags."""
    (height, width), batch = size, cam.size(0)
    low_res = np.ascontiguousarray(cam.float().numpy().transpose(1, 2, 0))
    up = cv2.resize(low_res, (width, height), interpolation=cv2.INTER_LINEAR)
    up = cv2.transpose(up.reshape(height * width, batch))
    peak = up.argmax(1)
    top, low = up[np.arange(batch), peak], up.min(1)
    with np.errstate(invalid='ignore', over='ignore'):  # NaN/inf maps come out degenerate
        thr = (low.astype(np.float64) + (top - low).astype(np.float64) * ratio).astype(np.float32)
        degenerate = ~(top > thr) | ~np.isfinite(low_res).all((0, 1))
        padded = np.zeros((batch, height + 1, width), dtype=np.uint8)
        np.greater(up.reshape(batch, height, width), thr[:, None, None], out=padded[:, :height])
    return up, peak, padded, degenerate


def _torch_masks(cam: torch.Tensor, size: Tuple[int, int], ratio: float) -> Tuple[torch.Tensor, ...]:
    """The same with tensor ops on the maps' device (``F.interpolate`` for the upsampling)."""
    (height, width), batch = size, cam.size(0)
    up = F.interpolate(cam[:, None].float(), size=size, mode='bilinear', align_corners=False).flatten(1)
    peak = up.argmax(1)
    top, low = up.gather(1, peak[:, None])[:, 0], up.amin(1)
    thr = (low.double() + (top - low).double() * ratio).float()
    degenerate = ~(top > thr) | ~torch.isfinite(cam.flatten(1)).all(1)
    padded = torch.zeros(batch, height + 1, width, dtype=torch.uint8, device=cam.device)
    torch.gt(up.view(batch, height, width), thr[:, None, None], out=padded[:, :height])
    return up, peak, padded, degenerate


def _cpu_chunk(cam: torch.Tensor, size: Tuple[int, int], ratio: float, rule: str, backend: str) -> Tuple:
    up, peak, padded, degenerate = _cpu_masks(cam, size, ratio)
    maxmask = (up == up[np.arange(len(up)), peak][:, None]).reshape(padded[:, :-1].shape) if rule == 'release' else None
    if backend != 'torch':
        return _cpu_boxes(padded, peak, maxmask, backend), degenerate
    maxmask = None if maxmask is None else torch.from_numpy(maxmask)
    return _torch_boxes(torch.from_numpy(padded[:, :-1]).bool(), torch.from_numpy(peak), maxmask).numpy(), degenerate


def _device_regions(cam: torch.Tensor, size: Tuple[int, int], ratio: float, rule: str, backend: str) -> Tuple:
    up, peak, padded, degenerate = _torch_masks(cam, size, ratio)
    maxmask = (up == up.gather(1, peak[:, None])).view(padded[:, :-1].shape) if rule == 'release' else None
    if backend == 'torch':
        return _torch_boxes(padded[:, :-1].bool(), peak, maxmask), degenerate
    maxmask = None if maxmask is None else maxmask.cpu().numpy()
    return torch.from_numpy(_cpu_boxes(padded.cpu().numpy(), peak.cpu().numpy(), maxmask, backend)).to(cam.device), \
        degenerate


def region_boxes(cam: torch.Tensor, size: Tuple[int, int], ratio: float, rule: str = 'peak',
                 backend: str = 'opencv', chunk: int = 512) -> Tuple[torch.Tensor, torch.Tensor]:
    """Box of the thresholded region of every map.

    Args:
        cam (torch.Tensor): (B, h, w) maps.
        size (tuple[int, int]): (Hm, Wm), the size the maps are upsampled to.
        ratio (float): Threshold ``min + ratio * (max - min)``, strict, rounded to float32 as the release's
            NumPy 1.x comparison did.
        rule (str): ``'peak'`` or ``'release'``. Defaults to 'peak'.
        backend (str): ``'opencv'``, ``'scipy'`` or ``'torch'``. Defaults to 'opencv'.
        chunk (int): Maps handled at once on the CPU, at most 512 (OpenCV's channel limit); other devices
            take all maps at once. Defaults to 512.

    Returns:
        tuple[torch.Tensor]: (B, 4) long boxes on ``cam.device`` (the whole map where degenerate) and (B,)
        bool degenerate flags (NaN/inf, a constant map, or no pixel above the threshold).
    """
    cam = cam.detach()
    if cam.device.type == 'cpu':
        parts = [_cpu_chunk(cam[s:s + chunk], size, ratio, rule, backend) for s in range(0, len(cam), chunk)]
        boxes, degenerate = (torch.from_numpy(np.concatenate(p)) for p in zip(*parts))
    else:
        boxes, degenerate = _device_regions(cam, size, ratio, rule, backend)
    # A constant map is degenerate even when bilinear upsampling adds 1-ulp noise to it.
    flat = cam.flatten(1)
    degenerate = degenerate | (flat.amax(1) == flat.amin(1))
    whole = torch.tensor([0, size[0], 0, size[1]], device=cam.device)
    return torch.where(degenerate[:, None], whole, boxes), degenerate
