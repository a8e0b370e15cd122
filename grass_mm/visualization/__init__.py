"""Drawing what the gradient guided sampler picks (no registry, no mmseg)."""
from .sampling_grid import draw_sampling_grid, to_uint8_images
from .sampling_preview import preview_batch, save_grid

__all__ = ['draw_sampling_grid', 'to_uint8_images', 'preview_batch', 'save_grid']
