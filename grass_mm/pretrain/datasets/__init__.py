"""Unlabeled remote-sensing pretraining data (mmpretrain registries; never imports mmseg)."""
from .rsi_image_folder import RSIImageFolder
from .transforms import BandColorJitter, BandwiseApply, LoadRSIWindow

__all__ = ['RSIImageFolder', 'BandColorJitter', 'BandwiseApply', 'LoadRSIWindow']
