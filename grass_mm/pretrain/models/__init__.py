"""GraSS models (mmpretrain MODELS registry)."""
from .gradient_guided_sampler import GradientGuidedSampler
from .grass import GraSS
from .linear_neck import LinearProjectionNeck

__all__ = ['GraSS', 'GradientGuidedSampler', 'LinearProjectionNeck']
