"""grass_mm: GraSS (gradient guided sampling contrastive pretraining) for OpenMMLab.

Importing ``grass_mm`` registers nothing by itself; configs import one side with ``custom_imports``:

* ``grass_mm.pretrain``: the GraSS algorithm, sampler, hook and unlabeled RSI datasets (mmpretrain
  registries; never imports mmseg);
* ``grass_mm.segmentation``: labelled RSI datasets and the backbone-transfer guard (mmseg registries).

It does allow-list mmengine's checkpoint contents for torch's weights-only loader
(:mod:`grass_mm.utils.checkpoint_compat`).
"""
from .utils import allow_mmengine_checkpoints, check_environment
from .version import __version__

check_environment(('mmcv', 'mmengine', 'mmpretrain'))
allow_mmengine_checkpoints()

__all__ = ['__version__', 'check_environment']
