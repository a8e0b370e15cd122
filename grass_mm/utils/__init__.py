"""Helpers shared by the pretraining and segmentation sides (no mmseg import here)."""
from .atomic_write import atomic_write, write_text_atomically

__all__ = ['atomic_write', 'write_text_atomically']
