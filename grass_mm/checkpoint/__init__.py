"""Checkpoints: weights-only loading of mmengine checkpoints, atomic writes, resume, backbone export.

Nothing here registers models; the ``atomic_local`` file backend is registered with mmengine on import.
"""
from .atomic_backend import AtomicLocalBackend
from .backbone import extract_backbone, split_backbone_state
from .compat import allow_mmengine_checkpoints, mmengine_checkpoint_globals
from .io import load_checkpoint_dict, save_atomically, sha256_file
from .publish import publish_checkpoint
from .resume import find_resumable_checkpoint

__all__ = [
    'AtomicLocalBackend', 'extract_backbone', 'split_backbone_state', 'allow_mmengine_checkpoints',
    'mmengine_checkpoint_globals', 'load_checkpoint_dict', 'save_atomically', 'sha256_file', 'publish_checkpoint',
    'find_resumable_checkpoint'
]
