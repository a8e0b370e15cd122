"""Library side of grass_mm's command-line tools (``tools/*.py`` are thin wrappers around these).

Nothing here registers modules; the checkpoint helpers import only torch (and :mod:`grass_mm` for the
weights-only allow-list), the pipeline imports mmengine, mmpretrain and mmseg when it runs.
"""
from .backbone_export import extract_backbone, split_backbone_state
from .checkpoint_io import load_checkpoint_dict, save_atomically, sha256_file
from .publish import publish_checkpoint

__all__ = [
    'extract_backbone', 'split_backbone_state', 'load_checkpoint_dict', 'save_atomically', 'sha256_file',
    'publish_checkpoint'
]
