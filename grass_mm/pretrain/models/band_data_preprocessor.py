"""mmpretrain's SelfSupDataPreprocessor for images of any band count (per-band mean and std)."""
from typing import Optional, Sequence, Union

import torch
from mmpretrain.models.utils import SelfSupDataPreprocessor
from mmpretrain.registry import MODELS


@MODELS.register_module()
class BandDataPreprocessor(SelfSupDataPreprocessor):
    """Normalises views of N-band images with one mean and std per band, as mmseg's SegDataPreProcessor does.

    mmengine's ``ImgDataPreprocessor``, which ``SelfSupDataPreprocessor`` builds on, accepts only 1 or 3
    mean/std values, and ``to_rgb=True`` keeps channels (2, 1, 0) of any input, so a 4th band would be
    dropped without a word. This class takes ``len(bands)`` values (the order of the raster rule's
    ``bands``) and otherwise behaves as ``SelfSupDataPreprocessor``; ``to_rgb`` is only accepted for 3 bands
    (the loaders give 3 bands in BGR order, other counts in listed order). A batch whose channel count is
    not the number of mean values raises ``ValueError`` naming both.

    Args:
        mean (Sequence[float]): per-band mean (0-255 scale).
        std (Sequence[float]): per-band standard deviation.
        to_rgb (bool): reverse 3-band BGR input to RGB. Defaults to False.
        **kwargs: other arguments of ``SelfSupDataPreprocessor`` (``pad_size_divisor``, ...).
    """

    def __init__(self, mean: Sequence[Union[float, int]], std: Sequence[Union[float, int]], to_rgb: bool = False,
                 **kwargs) -> None:
        if len(mean) != len(std) or not len(mean):
            raise ValueError(f'mean and std need one value per band, got {len(mean)} and {len(std)} values')
        if to_rgb and len(mean) != 3:
            raise ValueError(f'to_rgb reverses 3-band BGR images, but mean/std have {len(mean)} values: '
                             'set to_rgb=False (N-band loaders give the bands in the listed order)')
        super().__init__(mean=None, std=None, to_rgb=to_rgb, **kwargs)
        self._enable_normalize = True  # the parent's forward normalises with the buffers below
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1), False)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Checks the channel count, then normalises as ``SelfSupDataPreprocessor``.

        Args:
            data (dict): a collated batch (``inputs``: list of views or a tensor).
            training (bool): training mode. Defaults to False.

        Returns:
            dict: ``inputs`` and ``data_samples``.
        """
        views = data['inputs'] if isinstance(data['inputs'], (list, tuple)) else [data['inputs']]
        channels: Optional[int] = views[0].shape[-3] if len(views) else None
        if channels is not None and channels != self.mean.numel():
            raise ValueError(f'the views have {channels} channels but the data preprocessor has '
                             f'{self.mean.numel()} mean/std values: give one per band of the raster rule')
        return super().forward(data, training)
