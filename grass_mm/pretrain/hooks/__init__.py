"""GraSS hooks (mmpretrain HOOKS registry)."""
from .grass_hook import GraSSHook
from .non_finite_loss_hook import NonFiniteLossHook
from .sampling_visualization_hook import SamplingVisualizationHook

__all__ = ['GraSSHook', 'NonFiniteLossHook', 'SamplingVisualizationHook']
