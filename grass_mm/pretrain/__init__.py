"""The pretraining side of grass_mm: registers into mmpretrain's registries and never imports mmseg.

Configs load it with ``custom_imports=dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)``.
"""
from . import datasets, hooks, models  # noqa: F401
