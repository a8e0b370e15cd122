"""Helpers shared by the pretraining and segmentation sides (no mmseg import here)."""
from .atomic_backend import AtomicLocalBackend
from .checkpoint_compat import allow_mmengine_checkpoints, mmengine_checkpoint_globals

__all__ = ['AtomicLocalBackend', 'allow_mmengine_checkpoints', 'mmengine_checkpoint_globals']
