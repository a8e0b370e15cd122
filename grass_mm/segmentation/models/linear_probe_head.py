"""A linear segmentation probe: frozen features of every stage, normalised, one 1x1 convolution."""
from typing import List

import torch
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import nn


@MODELS.register_module()
class LinearProbeHead(BaseDecodeHead):
    """Per-pixel linear classifier on the backbone's feature maps, the segmentation analogue of a linear probe.

    The selected stages are resized to the first one's resolution and concatenated (mmseg's
    ``input_transform='resize_concat'``), normalised per channel by a BatchNorm without affine parameters
    (features of different stages have very different scales; at inference the BN is a fixed affine map, so
    the probe stays linear), then classified by one 1x1 convolution. With a frozen backbone only that
    convolution learns, which makes the score a low-variance measure of what the pretrained features hold.

    Args:
        in_channels (list[int]): Channels of the selected stages, e.g. ``[64, 128, 256, 512]`` (ResNet-18).
        in_index (list[int]): Indices of the selected backbone outputs, e.g. ``[0, 1, 2, 3]``.
        **kwargs: Other arguments of mmseg's ``BaseDecodeHead`` (``num_classes``, ``loss_decode``,
            ``ignore_index``, ``align_corners``); ``channels`` is the sum of ``in_channels`` and
            ``dropout_ratio`` is 0 unless given.
    """

    def __init__(self, in_channels: List[int], in_index: List[int], **kwargs) -> None:
        if not isinstance(in_channels, (list, tuple)) or len(in_channels) != len(in_index):
            raise ValueError(f'LinearProbeHead: in_channels and in_index must be lists of the same length, got '
                             f'{in_channels!r} and {in_index!r}')
        kwargs.setdefault('dropout_ratio', 0.0)
        kwargs['channels'] = sum(in_channels)
        super().__init__(in_channels=list(in_channels), in_index=list(in_index), input_transform='resize_concat',
                         **kwargs)
        self.norm = nn.BatchNorm2d(self.channels, affine=False)

    def concat_features(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        """The selected stages resized to the first one's resolution and concatenated, before normalisation.

        Args:
            inputs (list[torch.Tensor]): The backbone's outputs.

        Returns:
            torch.Tensor: (B, channels, H, W) features that :meth:`forward` normalises and classifies.
        """
        return self._transform_inputs(inputs)

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        """Classifies every pixel of the concatenated feature maps.

        Args:
            inputs (list[torch.Tensor]): The backbone's outputs.

        Returns:
            torch.Tensor: (B, num_classes, H, W) logits at the first selected stage's resolution.
        """
        return self.cls_seg(self.norm(self.concat_features(inputs)))
