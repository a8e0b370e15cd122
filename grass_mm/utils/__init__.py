"""Helpers shared by the pretraining and segmentation sides (no mmseg import here)."""
from .atomic_backend import AtomicLocalBackend
from .checkpoint_compat import allow_mmengine_checkpoints, mmengine_checkpoint_globals
from .config_check import check_cfg_options, check_config_types
from .resume import find_resumable_checkpoint

__all__ = [
    'AtomicLocalBackend', 'allow_mmengine_checkpoints', 'check_cfg_options', 'check_config_types',
    'find_resumable_checkpoint', 'mmengine_checkpoint_globals'
]
