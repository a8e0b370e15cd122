"""GraSS hooks (mmpretrain HOOKS registry)."""
from .grass_hook import GraSSHook
from .sampling_visualization_hook import SamplingVisualizationHook

__all__ = ['GraSSHook', 'SamplingVisualizationHook']
