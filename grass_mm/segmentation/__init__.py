"""The segmentation side of grass_mm: registers into mmseg's registries.

Configs load it with ``custom_imports=dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)``.
"""
from . import datasets, evaluation, hooks  # noqa: F401
