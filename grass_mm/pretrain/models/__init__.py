"""GraSS models (mmpretrain MODELS registry)."""
from .grass import GraSS
from .gradient_guided_sampler import GradientGuidedSampler
from .linear_neck import LinearProjectionNeck

__all__ = ['GraSS', 'GradientGuidedSampler', 'LinearProjectionNeck']
