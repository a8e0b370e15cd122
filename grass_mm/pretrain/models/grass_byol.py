"""GraSS on BYOL: mmpretrain's BYOL (momentum target + predictor) with gradient guided sampling."""
from typing import Optional, Sequence

import torch
from mmpretrain.models import BYOL
from mmpretrain.registry import MODELS

from .guided_sampling_mixin import GuidedSamplingMixin


@MODELS.register_module()
class GraSSBYOL(GuidedSamplingMixin, BYOL):
    """BYOL with GraSS's gradient guided sampling (see :class:`GuidedSamplingMixin`).

    The ``'id'`` phase is mmpretrain's ``BYOL``. BYOL's loss is already symmetric: each view passes the
    online backbone, neck and predictor and is pulled towards the target projection of the other view, so
    both views get an online gradient from the loss itself. The guide objective is that loss,
    ``2 * (head.loss(z1, t2) + head.loss(z2, t1))``, with the targets ``t`` taken from the online projections
    with stop-gradient (``guide_target='online'``, default: one online forward per view, like GraSS's guide
    pass) or from the target network as it stands before this step's update (``'momentum'``: the exact BYOL
    loss of that network, at the cost of one more target forward per view; its BN statistics kept, no EMA
    update). The training pass is ``BYOL.loss`` on the crops: target update, then the loss.

    Args:
        *args: Positional arguments of ``BYOL`` (backbone, neck, head, base_momentum, ...).
        **kwargs: Keyword arguments of ``BYOL`` and of :class:`GuidedSamplingMixin` (``sampler``,
            ``localize_scale``, ``guide_updates_bn``, ``guide_target``).
    """

    def momentum_branch(self) -> Optional[torch.nn.Module]:
        """BYOL's target network (``target_net``, a cosine EMA of backbone + neck)."""
        return self.target_net

    def guide_loss(self, feats: Sequence[torch.Tensor], views: Sequence[torch.Tensor]) -> torch.Tensor:
        """BYOL's symmetric loss from the two views' last feature maps.

        Args:
            feats (Sequence[torch.Tensor]): The two views' last feature maps, requiring grad.
            views (Sequence[torch.Tensor]): The two guide views (for the target network).

        Returns:
            torch.Tensor: BYOL's loss with the guide targets.
        """
        projections = [self.neck((feat, ))[0] for feat in feats]
        targets = self.guide_targets(views, projections)
        return 2. * (self.head.loss(projections[0], targets[1]) + self.head.loss(projections[1], targets[0]))
