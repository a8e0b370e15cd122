"""Segmentation data transforms (mmseg TRANSFORMS)."""
from .load_rsi_annotations import LoadRSIAnnotations

__all__ = ['LoadRSIAnnotations']
