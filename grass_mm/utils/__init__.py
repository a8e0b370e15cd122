"""Helpers shared by the pretraining and segmentation sides (no mmseg import here)."""
from .checkpoint_compat import allow_mmengine_checkpoints, mmengine_checkpoint_globals
from .env_check import check_environment

__all__ = ['allow_mmengine_checkpoints', 'mmengine_checkpoint_globals', 'check_environment']
