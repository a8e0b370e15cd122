"""A study's way of scoring a pretrained backbone (``tools/study.py --evaluations``)."""
from typing import Optional

from grass_mm.utils.atomic_write import PathLike


class Evaluation:
    """One way of scoring a pretrained backbone: a fine-tuning config, its length and its overrides.

    Args:
        config (str | PathLike): An ``RSISegDataset`` fine-tuning config (DeepLabV3+, linear probe, ...).
        iters (int): Fine-tuning iterations.
        options (dict, optional): Config overrides of its fine-tuning and evaluation stages. Defaults to None.
    """

    def __init__(self, config: PathLike, iters: int, options: Optional[dict] = None) -> None:
        self.config, self.iters, self.options = config, iters, dict(options or {})
