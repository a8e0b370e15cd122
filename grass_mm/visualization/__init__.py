"""Drawing helpers (no registry, no mmseg)."""
from .sampling_grid import draw_sampling_grid, to_uint8_images

__all__ = ['draw_sampling_grid', 'to_uint8_images']
