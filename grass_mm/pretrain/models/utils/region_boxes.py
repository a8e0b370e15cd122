"""Box of the thresholded region of every Grad-CAM map of a batch: masks, labels, the chosen component's box.

Top to bottom: :func:`region_boxes` takes the CPU path (:func:`cpu_region_boxes`, chunks of maps, the chunks
split over threads by :mod:`.host_threads`) or the device path (:func:`tensor_region_boxes`, all maps at once);
each makes the masks (:mod:`.region_masks`) and hands them to :func:`chosen_boxes`, which labels them with the
chosen backend (:mod:`.component_labels`) and takes the box of the component that the region rule picks
(:mod:`.component_boxes`). No per-sample loop.
"""
from typing import Optional, Tuple

import numpy as np
import torch

from .component_boxes import peak_boxes, release_boxes, tensor_peak_boxes, tensor_release_boxes
from .component_labels import opencv_components, torch_labels
from .host_threads import run_ranges
from .region_masks import Array, cpu_region_masks, tensor_region_masks


def region_boxes(cam: torch.Tensor, *, size: Tuple[int, int], ratio: float, rule: str = 'peak',
                 backend: str = 'opencv', chunk: int = 512) -> Tuple[torch.Tensor, torch.Tensor]:
    """Box of the thresholded region of every map.

    Args:
        cam (torch.Tensor): (B, h, w) maps.
        size (tuple[int, int]): (H, W), the size the maps are upsampled to.
        ratio (float): Threshold ``min + ratio * (max - min)``, strict, rounded to float32 as the release's
            NumPy 1.x comparison did.
        rule (str): ``'peak'`` or ``'release'`` (see :mod:`.component_boxes`). Defaults to 'peak'.
        backend (str): ``'opencv'`` or ``'torch'``. Defaults to 'opencv'.
        chunk (int): Maps handled at once on the CPU, at most 512 (OpenCV's channel limit); other devices
            take all maps at once. Defaults to 512.

    Returns:
        tuple[torch.Tensor]: (B, 4) long boxes ``(r0, r1, c0, c1)``, half-open, on ``cam.device`` (the whole
        map where degenerate) and (B,) bool degenerate flags (NaN/inf, a constant map, or no pixel above the
        threshold).
    """
    cam, options = cam.detach(), dict(size=size, ratio=ratio, rule=rule, backend=backend)
    if cam.device.type == 'cpu':
        def chunks(start: int, stop: int) -> list:
            return [cpu_region_boxes(cam[s:min(s + chunk, stop)], **options) for s in range(start, stop, chunk)]

        parts = [part for ranged in run_ranges(chunks, len(cam), chunk) for part in ranged]
        boxes, degenerate = (torch.from_numpy(np.concatenate(p)) for p in zip(*parts))
    else:
        boxes, degenerate = tensor_region_boxes(cam, **options)
    # A constant map is degenerate even when bilinear upsampling adds 1-ulp noise to it.
    flat = cam.flatten(1)
    degenerate = degenerate | (flat.amax(1) == flat.amin(1))
    whole = torch.tensor([0, size[0], 0, size[1]], device=cam.device)
    return torch.where(degenerate[:, None], whole, boxes), degenerate


def cpu_region_boxes(cam: torch.Tensor, *, size: Tuple[int, int], ratio: float, rule: str,
                     backend: str) -> Tuple[np.ndarray, np.ndarray]:
    """Boxes of at most 512 maps on the CPU: NumPy/OpenCV masks, then the backend's labels.

    Args:
        cam (torch.Tensor): (B, h, w) maps on the CPU.
        size (tuple[int, int]): (H, W), the size the maps are upsampled to.
        ratio (float): Threshold ratio.
        rule (str): ``'peak'`` or ``'release'``.
        backend (str): ``'opencv'`` or ``'torch'``.

    Returns:
        tuple[np.ndarray]: (B, 4) int64 boxes and (B,) bool degenerate flags.
    """
    masks = cpu_region_masks(cam, size, ratio)
    maxima = masks.maxima() if rule == 'release' else None
    boxes = chosen_boxes(masks.foreground, masks.peak, maxima, backend)
    return np.asarray(boxes), masks.degenerate


def tensor_region_boxes(cam: torch.Tensor, *, size: Tuple[int, int], ratio: float, rule: str,
                        backend: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """Boxes of all maps on their device (the path of accelerators): tensor masks, then the backend's labels.

    Args:
        cam (torch.Tensor): (B, h, w) maps.
        size (tuple[int, int]): (H, W), the size the maps are upsampled to.
        ratio (float): Threshold ratio.
        rule (str): ``'peak'`` or ``'release'``.
        backend (str): ``'opencv'`` (a host round trip) or ``'torch'``.

    Returns:
        tuple[torch.Tensor]: (B, 4) long boxes and (B,) bool degenerate flags, on ``cam.device``.
    """
    masks = tensor_region_masks(cam, size, ratio)
    maxima = masks.maxima() if rule == 'release' else None
    boxes = chosen_boxes(masks.foreground, masks.peak, maxima, backend)
    return torch.as_tensor(boxes, device=cam.device), masks.degenerate


def chosen_boxes(foreground: Array, peak: Array, maxima: Optional[Array], backend: str) -> Array:
    """Labels the masks with ``backend`` and returns the box of the component the rule picks.

    Inputs may be arrays or tensors; they are handed over to the backend's side (host arrays for
    ``'opencv'``, tensors for ``'torch'``, which stay on their device).

    Args:
        foreground (Array): (B, H + 1, W) uint8 masks of :class:`RegionMasks`.
        peak (Array): (B,) row-major index of every map's peak.
        maxima (Array, optional): (B, H, W) bool positions of the maxima for the release's rule; None for the
            peak rule.
        backend (str): ``'opencv'`` or ``'torch'``.

    Returns:
        Array: (B, 4) boxes, a tensor for ``'torch'``, else an int64 array.
    """
    inputs = (foreground, peak, maxima)
    if backend == 'torch':
        foreground, peak, maxima = (None if x is None else torch.as_tensor(x) for x in inputs)
        height, width = foreground.shape[1] - 1, foreground.shape[2]
        labels = torch_labels(foreground[:, :height].bool())
        if maxima is None:
            return tensor_peak_boxes(labels, peak, height, width)
        return tensor_release_boxes(labels, maxima)
    foreground, peak, maxima = (x.cpu().numpy() if isinstance(x, torch.Tensor) else x for x in inputs)
    components = opencv_components(foreground, with_boxes=maxima is not None)
    return peak_boxes(components.labels, peak) if maxima is None else release_boxes(components, maxima)
