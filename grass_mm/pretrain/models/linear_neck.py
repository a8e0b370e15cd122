"""The release's projection head: two linear layers without a nonlinearity (for exact replication)."""
from typing import List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class LinearProjectionNeck(BaseModule):
    """Global average pooling followed by ``fc -> fc`` with no activation in between.

    The GraSS release (a VISSL fork) built its SimCLR head as two linear layers without a ReLU, an accident
    of a VISSL default. grass_mm's default is the standard SimCLR head (mmpretrain ``NonLinearNeck``); this
    neck exists only to replicate the release exactly (``neck=dict(type='LinearProjectionNeck', ...)``).

    Args:
        in_channels (int): Channels of the backbone's last feature map.
        hid_channels (int): Width of the first linear layer. Defaults to 2048.
        out_channels (int): Embedding size. Defaults to 128.
        init_cfg (dict or list[dict], optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 hid_channels: int = 2048,
                 out_channels: int = 128,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc0 = nn.Linear(in_channels, hid_channels)
        self.fc1 = nn.Linear(hid_channels, out_channels)

    def forward(self, x: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
        """Projects the last backbone feature map.

        Args:
            x (tuple[torch.Tensor]): Backbone outputs; only one feature map, (B, C, H, W).

        Returns:
            tuple[torch.Tensor]: The embeddings, (B, out_channels).
        """
        if len(x) != 1:
            raise ValueError(f'LinearProjectionNeck expects one feature map, got {len(x)}')
        return (self.fc1(self.fc0(self.avgpool(x[0]).flatten(1))), )
