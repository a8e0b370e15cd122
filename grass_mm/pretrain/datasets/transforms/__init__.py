"""Pretraining data transforms (mmpretrain TRANSFORMS)."""
from .band_color_jitter import BandColorJitter
from .bandwise_apply import BandwiseApply
from .load_rsi_window import LoadRSIWindow

__all__ = ['BandColorJitter', 'BandwiseApply', 'LoadRSIWindow']
