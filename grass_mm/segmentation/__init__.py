"""The segmentation side of grass_mm: registers into mmseg's registries.

Configs load it with ``custom_imports=dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)``.
Importing it first checks that mmseg and full mmcv (with compiled ops, which mmseg imports) are installed.
"""
from grass_mm.env_check import check_environment

check_environment(('mmcv', 'mmsegmentation'), need_mmcv_ops=True)

from . import datasets, evaluation, hooks, models  # noqa: E402, F401
