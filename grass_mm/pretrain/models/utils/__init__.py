"""Batch-level helpers of the GraSS models: the all-gather of the loss, the guide pass, the sampler's region
boxes.

The sampler's internals, read top to bottom: ``region_masks`` (upsample, peak, threshold), ``component_labels``
(labelling, per backend), ``component_boxes`` (the chosen component's box, per region rule) and ``region_boxes``
(the entry, :func:`region_boxes.region_boxes`); ``view_crops`` crops the views to the boxes; ``host_threads``
splits the CPU work of both over threads.
"""
from .all_gather_with_grad import AllGatherWithGrad
from .guide_pass import GUIDE_DTYPES, check_guide_options, downscaled, frozen_bn_statistics, guide_features

__all__ = [
    'AllGatherWithGrad', 'GUIDE_DTYPES', 'check_guide_options', 'downscaled', 'frozen_bn_statistics', 'guide_features'
]
