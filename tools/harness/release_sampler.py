"""Per-sample reference of the GraSS release's sampling rule (``DACrop`` of the released train step).

Done as the release does it, one view at a time: OpenCV resize of the map (here with the correct
``(W, H)`` order), threshold, scikit-image labelling (connectivity 2) and ``regionprops``, then the
release's choice of component, crop and ``F.interpolate(mode='nearest')`` written back into the batch.
The release's division of the map by its maximum is not replicated (see the method spec, section 3).
"""
from typing import Dict, List, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from skimage import measure


def release_box(cam: np.ndarray, view_size: Tuple[int, int], ratio: float = 0.5, peak: bool = True) -> Dict:
    """Box of one map by the release's rule, and by the peak rule.

    Args:
        cam (np.ndarray): (h, w) Grad-CAM map.
        view_size (tuple[int, int]): (H, W) of the view.
        ratio (float): Threshold ratio. Defaults to 0.5.
        peak (bool): Also find the peak rule's box (work the release did not do). Defaults to True.

    Returns:
        dict: ``box`` (release rule), ``(r0, r1, c0, c1)``, the whole view for degenerate maps;
        ``degenerate``; with ``peak``, also ``peak_box`` (the component holding the first arg-max) and
        ``holds_peak`` (whether the release's component contains the first arg-max).
    """
    height, width = view_size
    headmap = cv2.resize(np.ascontiguousarray(cam, dtype=np.float32), (width, height))
    max_v, min_v = np.max(headmap), np.min(headmap)
    length = max_v - min_v
    # The release compared with a float64 threshold that NumPy 1.x rounded to float32; written explicitly.
    threshold = np.float32(float(min_v) + float(length) * ratio)
    label_image = measure.label((headmap > threshold).astype(np.uint8), connectivity=2)
    best, chosen, box = min_v, None, (0, height, 0, width)
    for region in measure.regionprops(label_image):
        r0, c0, r1, c1 = region.bbox
        value = np.max(headmap[r0:r1, c0:c1])
        if value >= best:
            best, chosen, box = value, region.label, (r0, r1, c0, c1)
    degenerate = chosen is None or best == min_v
    if degenerate:
        box = (0, height, 0, width)
    result = dict(box=tuple(int(v) for v in box), degenerate=degenerate)
    if not peak:
        return result
    pr, pc = np.unravel_index(np.argmax(headmap), headmap.shape)
    peak_label = label_image[pr, pc]
    peak_box = (0, height, 0, width)
    if not degenerate and peak_label > 0:
        rows, cols = np.nonzero(label_image == peak_label)
        peak_box = (rows.min(), rows.max() + 1, cols.min(), cols.max() + 1)
    return dict(result, peak_box=tuple(int(v) for v in peak_box),
                holds_peak=bool(not degenerate and peak_label == chosen))


def release_sample(views: torch.Tensor, cams: torch.Tensor, ratio: float = 0.5) -> List[Dict]:
    """The release's per-sample loop: box of every map, crop, nearest resize, written back in place.

    Args:
        views (torch.Tensor): (B, C, H, W) views, overwritten with the crops as in the release.
        cams (torch.Tensor): (B, h, w) Grad-CAM maps.
        ratio (float): Threshold ratio. Defaults to 0.5.

    Returns:
        list[dict]: :func:`release_box` results (release rule only), one per view.
    """
    height, width = views.shape[-2:]
    results = []
    for i in range(views.size(0)):
        result = release_box(cams[i].detach().cpu().numpy(), (height, width), ratio, peak=False)
        if not result['degenerate']:
            r0, r1, c0, c1 = result['box']
            cut = views[i:i + 1, :, r0:r1, c0:c1].clone()
            views[i] = F.interpolate(cut, size=[height, width], mode='nearest')[0]
        results.append(result)
    return results
