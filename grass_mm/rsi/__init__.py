"""Remote-sensing files, shared by the pretraining and segmentation sides (no registry, no mmseg)."""
from .layout import IMAGE_EXTENSIONS, find_image, image_candidates, is_image_file, read_meta, read_split
from .reader import read_window

__all__ = ['IMAGE_EXTENSIONS', 'find_image', 'image_candidates', 'is_image_file', 'read_meta', 'read_split',
           'read_window']
