"""A deterministic, seeded fraction of a labelled training set (1 %, 5 %, 10 %, ... of the labels)."""
import copy
import hashlib
import math
import os.path as osp
from typing import List, Sequence, Union

from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS


def label_fraction_order(keys: Sequence[str], seed: int) -> List[int]:
    """Ranks samples by the SHA-256 of ``f'{seed}:{key}'``; the same on every machine and Python.

    Args:
        keys (Sequence[str]): one stable name per sample (e.g. the image path relative to its folder).
        seed (int): fraction seed.

    Returns:
        list[int]: sample indices, best-ranked first.
    """
    digests = [hashlib.sha256(f'{seed}:{key}'.encode()).hexdigest() for key in keys]
    return sorted(range(len(keys)), key=lambda i: (digests[i], keys[i]))


@DATASETS.register_module()
class LabelFractionDataset:
    """Keeps a seeded fraction of any mmseg dataset (mmseg's Potsdam, ISPRS, LoveDA or RSISegDataset).

    Rule: every sample is ranked by the SHA-256 hash of ``'<seed>:<key>'``, where the key is the image
    path relative to the dataset's image folder (so the choice does not depend on where the data lives,
    on the listing order or on the platform); the first ``max(1, floor(fraction * N + 0.5))`` samples
    are kept, in the dataset's own order. Subsets are nested: with one seed, the 1 % subset is a prefix of
    the 5 % subset's ranking, which is inside the 10 % one, and so on. Adding or removing other samples
    never changes the rank of a kept one.

    Use it on the training split only, e.g.
    ``dict(type='LabelFractionDataset', fraction=0.01, seed=0, dataset=dict(type='PotsdamDataset', ...))``.

    The wrapped dataset's own settings (``data_root``, ``pipeline``, ...) belong to the inner dict: in the
    configs, ``train_dataloader.dataset.dataset.data_root``; given to the wrapper, they raise an error
    that names that key.

    Args:
        dataset (dict | BaseDataset): the dataset or its config.
        fraction (float): share of samples to keep, in (0, 1].
        seed (int): ranking seed. Defaults to 0.
        **misplaced: settings of the wrapped dataset given to the wrapper; any raises ``TypeError``.
    """

    def __init__(self, dataset: Union[dict, BaseDataset], fraction: float, seed: int = 0, **misplaced) -> None:
        if misplaced:
            keys = ', '.join(f'train_dataloader.dataset.dataset.{key}' for key in sorted(misplaced))
            raise TypeError(f'LabelFractionDataset got {sorted(misplaced)}, which it does not take: they are '
                            f'settings of the dataset it wraps; set {keys} (the wrapped dataset) instead, e.g. '
                            '--cfg-options train_dataloader.dataset.dataset.data_root=DIR, or tools/train.py '
                            '--data-root DIR')
        if not 0.0 < float(fraction) <= 1.0:
            raise ValueError(f'LabelFractionDataset: fraction must be in (0, 1], got {fraction!r}')
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.fraction = float(fraction)
        self.seed = int(seed)
        self.dataset.full_init()
        img_root = self.dataset.data_prefix.get('img_path') or ''
        keys = [osp.relpath(self.dataset.get_data_info(i)['img_path'], img_root).replace(osp.sep, '/')
                for i in range(len(self.dataset))]
        count = max(1, math.floor(self.fraction * len(keys) + 0.5))
        self.indices = sorted(label_fraction_order(keys, self.seed)[:count])
        self.keys = [keys[i] for i in self.indices]

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's metainfo."""
        return copy.deepcopy(self.dataset.metainfo)

    def full_init(self) -> None:
        """Nothing to do: the subset is chosen at construction."""

    def get_data_info(self, idx: int) -> dict:
        """Returns the data info of the idx-th kept sample.

        Args:
            idx (int): index in the subset.

        Returns:
            dict: the wrapped dataset's data info.
        """
        return self.dataset.get_data_info(self.indices[idx])

    def __getitem__(self, idx: int) -> dict:
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)
