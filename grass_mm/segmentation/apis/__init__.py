"""Inference with grass_mm's segmentation configs (mmseg's APIs, with the raster-rule loader kept)."""
from .rsi_seg_inferencer import RSISegInferencer

__all__ = ['RSISegInferencer']
