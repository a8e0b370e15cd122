"""GraSS on Barlow Twins: mmpretrain's BarlowTwins with gradient guided sampling."""
from typing import Sequence

import torch
from mmpretrain.models import BarlowTwins
from mmpretrain.registry import MODELS

from .guided_sampling_mixin import GuidedSamplingMixin


@MODELS.register_module()
class GraSSBarlowTwins(GuidedSamplingMixin, BarlowTwins):
    """Barlow Twins with GraSS's gradient guided sampling (see :class:`GuidedSamplingMixin`).

    Barlow Twins is symmetric without a momentum branch: the guide objective is its own loss (the
    cross-correlation of the two views' projections, all-reduced under DDP as in training) computed from
    the last feature maps; the training pass is ``BarlowTwins.loss`` on the crops. The head's BatchNorm
    keeps its statistics in the guide pass unless ``guide_updates_bn``.

    Args:
        *args: Positional arguments of ``BarlowTwins`` (backbone, neck, head, ...).
        **kwargs: Keyword arguments of ``BarlowTwins`` and of :class:`GuidedSamplingMixin` (``sampler``,
            ``localize_scale``, ``guide_updates_bn``).
    """

    def guide_loss(self, feats: Sequence[torch.Tensor], views: Sequence[torch.Tensor]) -> torch.Tensor:
        """Barlow Twins' loss from the two views' last feature maps.

        Args:
            feats (Sequence[torch.Tensor]): The two views' last feature maps, requiring grad.
            views (Sequence[torch.Tensor]): The two guide views (unused).

        Returns:
            torch.Tensor: Barlow Twins' loss.
        """
        z1, z2 = (self.neck((feat, ))[0] for feat in feats)
        return self.head.loss(z1, z2)
