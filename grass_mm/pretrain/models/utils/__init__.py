"""Batch-level helpers of the GraSS models: the all-gather of the loss and the sampler's region boxes."""
from .all_gather_with_grad import AllGatherWithGrad
from .region_boxes import region_boxes

__all__ = ['AllGatherWithGrad', 'region_boxes']
