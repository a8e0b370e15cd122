"""grass_mm: GraSS (gradient guided sampling contrastive pretraining) for OpenMMLab.

Importing ``grass_mm`` checks the host libraries' versions, allow-lists mmengine's checkpoint contents for
torch's weights-only loader (:mod:`grass_mm.checkpoint.compat`) and registers the ``atomic_local`` file
backend for checkpoints; it loads no mmengine ``Runner`` and no plotting or test-only package. Models,
hooks and datasets are registered by importing one side, as configs do with ``custom_imports``:

* ``grass_mm.pretrain``: the GraSS algorithm, sampler, hook and unlabeled RSI datasets (mmpretrain
  registries; never imports mmseg);
* ``grass_mm.segmentation``: labelled RSI datasets and the backbone-transfer guard (mmseg registries).
"""
from .env_check import check_environment
from .version import __version__

check_environment(('mmcv', 'mmengine', 'mmpretrain'))

from .checkpoint import allow_mmengine_checkpoints  # noqa: E402

allow_mmengine_checkpoints()

__all__ = ['__version__', 'check_environment']
