"""GraSS models (mmpretrain MODELS registry)."""
from .band_data_preprocessor import BandDataPreprocessor
from .gradient_guided_sampler import GradientGuidedSampler
from .grass import GraSS
from .linear_neck import LinearProjectionNeck

__all__ = ['BandDataPreprocessor', 'GraSS', 'GradientGuidedSampler', 'LinearProjectionNeck']
