"""Batched gradient guided sampling of GraSS: Grad-CAM map, box of the peak's region, crop and resize."""
import math
from typing import Dict, Sequence, Tuple

import torch
from mmpretrain.registry import MODELS
from torch import nn

from .utils.region_boxes import region_boxes
from .utils.view_crops import host_nearest_crop, linear_index, nearest_index, tensor_crop

# Map (view) pixels handled at once on the CPU: arrays of about 1 MB stay in cache and are reused by the
# allocator; larger chunks were measured slower (fresh pages), whole batches much slower.
CPU_CHUNK_PIXELS = 2 ** 18


@MODELS.register_module()
class GradientGuidedSampler(nn.Module):
    """Crops every view to the box of its Grad-CAM region and resizes it back (GraSS, spec section 3).

    Map: ``M = mean_k(mean_ij(G) * F)`` with ``G = +dL/dF``, no ReLU, no max normalisation. It is upsampled
    bilinearly (align_corners=False) to the map size; the region is the 8-connected component of
    ``M > min + r * (max - min)`` (strict; the threshold is rounded to float32 as NumPy 1.x did in the
    release); its half-open box is scaled to the view when the map size differs. Maps with NaN/inf or no
    pixel above the threshold (e.g. constant maps) keep the whole view and are counted as degenerate. On
    accelerators all maps are located and cropped at once. On the CPU the maps go in chunks of
    ``CPU_CHUNK_PIXELS`` (a few maps at 224 x 224), each with one OpenCV resize (multi-channel) and one
    labelling call, and the nearest crop takes rows, then columns, of one view at a time with NumPy (see
    ``utils/view_crops.py`` for why not torch's gathers there); both split the batch over torch's thread
    count in Python threads (``utils/host_threads.py``).

    Args:
        threshold_ratio (float): ``r``, in (0, 1). Defaults to 0.5 (the release's hard-coded value).
        interpolation (str): Crop resize mode, ``'nearest'`` (the release, identical to
            ``F.interpolate`` of the crop) or ``'bilinear'`` (align_corners=False). Defaults to 'nearest'.
        min_box_size (float): Minimal box side as a fraction of the view side, in [0, 1]; smaller boxes
            grow symmetrically about their centre and are shifted inside the view. Defaults to 0.0 (the
            release: no minimum).
        region_rule (str): ``'peak'``: the component holding the map's first arg-max; ``'release'``: the
            release's rule (the component whose bounding box holds the highest value of M, ties to the
            later label; about 2.5x the locate cost on the CPU); they differ only when another
            component's box covers the peak (about 1.4 % of random smooth maps). Defaults to 'peak'.
        backend (str): Labelling: ``'opencv'`` (one C call per chunk on the host), ``'torch'`` (tensor ops
            on the maps' device, no host round trip for data; hundreds of times slower than OpenCV on the
            CPU) or ``'auto'`` (torch for CUDA tensors, else opencv). SciPy's labelling was removed, see
            ``utils/component_labels.py``. Defaults to 'auto'.
    """

    INTERPOLATIONS = ('nearest', 'bilinear')
    REGION_RULES = ('peak', 'release')
    BACKENDS = ('auto', 'opencv', 'torch')

    def __init__(self, threshold_ratio: float = 0.5, interpolation: str = 'nearest', min_box_size: float = 0.0,
                 region_rule: str = 'peak', backend: str = 'auto') -> None:
        super().__init__()
        if not isinstance(threshold_ratio, (int, float)) or not 0 < threshold_ratio < 1:
            raise ValueError(f'GradientGuidedSampler: threshold_ratio must be in (0, 1), got {threshold_ratio!r}')
        if not isinstance(min_box_size, (int, float)) or not 0 <= min_box_size <= 1:
            raise ValueError(f'GradientGuidedSampler: min_box_size must be in [0, 1], got {min_box_size!r}')
        for name, value, allowed in (('interpolation', interpolation, self.INTERPOLATIONS),
                                     ('region_rule', region_rule, self.REGION_RULES),
                                     ('backend', backend, self.BACKENDS)):
            if value not in allowed:
                raise ValueError(f'GradientGuidedSampler: {name} must be one of {allowed}, got {value!r}')
        self.threshold_ratio = float(threshold_ratio)
        self.interpolation = interpolation
        self.min_box_size = float(min_box_size)
        self.region_rule = region_rule
        self.backend = backend

    @staticmethod
    def grad_cam(feats: torch.Tensor, grads: torch.Tensor) -> torch.Tensor:
        """Grad-CAM map as released: ``mean_k(alpha_k * F_k)``, ``alpha_k = mean_ij(G_k)``.

        Args:
            feats (torch.Tensor): Last feature map ``F``, (B, K, h, w).
            grads (torch.Tensor): ``dL/dF``, (B, K, h, w).

        Returns:
            torch.Tensor: (B, h, w) maps.
        """
        if feats.shape != grads.shape or feats.dim() != 4:
            raise ValueError(f'GradientGuidedSampler.grad_cam: feats and grads must both be (B, K, h, w), got '
                             f'{tuple(feats.shape)} and {tuple(grads.shape)}')
        return (grads.mean(dim=(2, 3), keepdim=True) * feats).mean(dim=1)

    def locate(self, cam: torch.Tensor, map_size: Sequence[int],
               view_size: Sequence[int]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Box of the region of every map, in view coordinates.

        Args:
            cam (torch.Tensor): (B, h, w) Grad-CAM maps.
            map_size (Sequence[int]): (Hm, Wm), the size the maps are upsampled to (the guide views' size).
            view_size (Sequence[int]): (H, W) of the views to crop; boxes are scaled from map to view
                coordinates (``r0 = floor(r0 * H / Hm)``, ``r1 = ceil(r1 * H / Hm)``).

        Returns:
            tuple[torch.Tensor]: (B, 4) long boxes ``(r0, r1, c0, c1)`` (half-open) on ``cam.device`` and
            (B,) bool flags of degenerate maps (whole view kept).
        """
        if cam.dim() != 3:
            raise ValueError(f'GradientGuidedSampler.locate: cam must be (B, h, w), got {tuple(cam.shape)}')
        (hm, wm), (height, width) = (int(s) for s in map_size), (int(s) for s in view_size)
        backend = self.backend if self.backend != 'auto' else 'opencv' if cam.device.type == 'cpu' else 'torch'
        chunk = min(512, max(1, CPU_CHUNK_PIXELS // (hm * wm)))
        with torch.no_grad():
            boxes, degenerate = region_boxes(cam, size=(hm, wm), ratio=self.threshold_ratio, rule=self.region_rule,
                                             backend=backend, chunk=chunk)
        r0, r1, c0, c1 = boxes.unbind(1)
        r0, r1 = torch.div(r0 * height, hm, rounding_mode='floor'), -torch.div(-r1 * height, hm, rounding_mode='floor')
        c0, c1 = torch.div(c0 * width, wm, rounding_mode='floor'), -torch.div(-c1 * width, wm, rounding_mode='floor')
        rows = self._grow(r0.clamp(0, height), r1.clamp(0, height), height)
        cols = self._grow(c0.clamp(0, width), c1.clamp(0, width), width)
        return torch.stack([*rows, *cols], 1), degenerate

    def _grow(self, low: torch.Tensor, high: torch.Tensor, size: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """Grows ``[low, high)`` symmetrically to at least ``ceil(min_box_size * size)``, inside ``[0, size)``."""
        side = torch.clamp(high - low, min=min(size, math.ceil(self.min_box_size * size)))
        low = torch.minimum((low - torch.div(side - (high - low), 2, rounding_mode='floor')).clamp(min=0), size - side)
        return low, low + side

    @staticmethod
    def box_area_fraction(boxes: torch.Tensor, view_size: Sequence[int]) -> torch.Tensor:
        """Area of every box over the view's area.

        Args:
            boxes (torch.Tensor): (B, 4) boxes ``(r0, r1, c0, c1)``, half-open, in view pixels.
            view_size (Sequence[int]): (H, W) of the views.

        Returns:
            torch.Tensor: (B,) float fractions in (0, 1].
        """
        area = (boxes[:, 1] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 2])
        return area.float() / (int(view_size[0]) * int(view_size[1]))

    def crop(self, views: torch.Tensor, boxes: torch.Tensor, out: torch.Tensor = None) -> torch.Tensor:
        """Crops every view to its box and resizes it back to the view size, batched.

        Args:
            views (torch.Tensor): (B, C, H, W) views.
            boxes (torch.Tensor): (B, 4) long boxes ``(r0, r1, c0, c1)`` in view coordinates.
            out (torch.Tensor, optional): (B, C, H, W) tensor to write into; may be ``views`` itself (in
                place, as the release did). Defaults to None (a new tensor).

        Returns:
            torch.Tensor: (B, C, H, W) crops.
        """
        batch, _, height, width = views.shape
        out = torch.empty_like(views) if out is None else out
        index = nearest_index if self.interpolation == 'nearest' else linear_index
        r0, r1, c0, c1 = boxes.to(views.device).unbind(1)
        rows, cols = index(r0, r1 - r0, height), index(c0, c1 - c0, width)
        if views.device.type != 'cpu':
            tensor_crop(views, rows, cols, out, step=batch)
        elif self.interpolation == 'nearest':
            host_nearest_crop(views, rows[0], cols[0], out)
        else:
            tensor_crop(views, rows, cols, out, step=max(1, CPU_CHUNK_PIXELS // (height * width)))
        return out

    def forward(self, views: torch.Tensor, feats: torch.Tensor, grads: torch.Tensor,
                map_size: Sequence[int] = None,
                out: torch.Tensor = None) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Grad-CAM, boxes and crops of a batch of views.

        Args:
            views (torch.Tensor): (B, C, H, W) views to crop.
            feats (torch.Tensor): (B, K, h, w) last feature maps of the guide pass.
            grads (torch.Tensor): (B, K, h, w) ``dL/dF``.
            map_size (Sequence[int], optional): Size of the guide views (the maps are upsampled to it).
                Defaults to None (the view size).
            out (torch.Tensor, optional): Where to write the crops; may be ``views`` (see :meth:`crop`).
                Defaults to None (a new tensor).

        Returns:
            tuple: (B, C, H, W) crops and a dict of float tensors: ``degenerate_frac`` (maps that kept the
            whole view) and ``box_area_frac`` (mean box area over the view area).
        """
        view_size = tuple(views.shape[-2:])
        boxes, degenerate = self.locate(self.grad_cam(feats.detach(), grads.detach()),
                                        view_size if map_size is None else map_size, view_size)
        stats = dict(degenerate_frac=degenerate.float().mean(),
                     box_area_frac=self.box_area_fraction(boxes, view_size).mean())
        return self.crop(views, boxes, out=out), stats
