"""GraSS models (mmpretrain MODELS registry)."""
from .band_data_preprocessor import BandDataPreprocessor
from .gradient_guided_sampler import GradientGuidedSampler
from .grass import GraSS
from .grass_barlowtwins import GraSSBarlowTwins
from .grass_byol import GraSSBYOL
from .grass_moco import GraSSMoCo
from .grass_simsiam import GraSSSimSiam
from .guided_sampling_mixin import GuidedSamplingMixin
from .linear_neck import LinearProjectionNeck

__all__ = [
    'BandDataPreprocessor', 'GraSS', 'GraSSBYOL', 'GraSSBarlowTwins', 'GraSSMoCo', 'GraSSSimSiam',
    'GradientGuidedSampler', 'GuidedSamplingMixin', 'LinearProjectionNeck'
]
