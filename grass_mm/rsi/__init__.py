"""Remote-sensing files, shared by the pretraining and segmentation sides (no registry, no mmseg)."""
from .corrupt_file_policy import CorruptFilePolicy
from .layout import IMAGE_EXTENSIONS, find_image, image_candidates, is_image_file, list_images, read_meta, read_split
from .raster_rule import RasterRule, RulePixels
from .reader import RasterFile, UnreadableRasterError

__all__ = ['CorruptFilePolicy', 'IMAGE_EXTENSIONS', 'find_image', 'image_candidates', 'is_image_file', 'list_images',
           'read_meta', 'read_split', 'RasterRule', 'RulePixels', 'RasterFile', 'UnreadableRasterError']
