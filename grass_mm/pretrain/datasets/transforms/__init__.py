"""Pretraining data transforms (mmpretrain TRANSFORMS)."""
from .load_rsi_window import LoadRSIWindow

__all__ = ['LoadRSIWindow']
