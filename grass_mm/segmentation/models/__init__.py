"""mmseg models of grass_mm."""
from .linear_probe_head import LinearProbeHead

__all__ = ['LinearProbeHead']
