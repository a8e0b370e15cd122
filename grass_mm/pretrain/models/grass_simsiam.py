"""GraSS on SimSiam: mmpretrain's SimSiam with gradient guided sampling."""
from typing import Sequence

import torch
from mmpretrain.models import SimSiam
from mmpretrain.registry import MODELS

from .guided_sampling_mixin import GuidedSamplingMixin


@MODELS.register_module()
class GraSSSimSiam(GuidedSamplingMixin, SimSiam):
    """SimSiam with GraSS's gradient guided sampling (see :class:`GuidedSamplingMixin`).

    SimSiam is symmetric and has no momentum branch (stop-gradient on the other view's projection), so the
    guide objective is SimSiam's own loss computed from the last feature maps; the training pass is
    ``SimSiam.loss`` on the crops. ``SimSiamHook`` (fixed predictor lr) works unchanged.

    Args:
        *args: Positional arguments of ``SimSiam`` (backbone, neck, head, ...).
        **kwargs: Keyword arguments of ``SimSiam`` and of :class:`GuidedSamplingMixin` (``sampler``,
            ``localize_scale``, ``guide_updates_bn``).
    """

    def guide_loss(self, feats: Sequence[torch.Tensor], views: Sequence[torch.Tensor]) -> torch.Tensor:
        """SimSiam's symmetric loss from the two views' last feature maps.

        Args:
            feats (Sequence[torch.Tensor]): The two views' last feature maps, requiring grad.
            views (Sequence[torch.Tensor]): The two guide views (unused).

        Returns:
            torch.Tensor: SimSiam's loss.
        """
        z1, z2 = (self.neck((feat, ))[0] for feat in feats)
        return 0.5 * (self.head.loss(z1, z2) + self.head.loss(z2, z1))
