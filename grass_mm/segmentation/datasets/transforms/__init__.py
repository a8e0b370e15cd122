"""Segmentation data transforms (mmseg TRANSFORMS)."""
from .load_rsi_annotations import LoadRSIAnnotations
from .load_rsi_image import LoadRSIImage

__all__ = ['LoadRSIAnnotations', 'LoadRSIImage']
