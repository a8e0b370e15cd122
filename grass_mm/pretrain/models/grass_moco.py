"""GraSS on MoCo v2: mmpretrain's MoCo (momentum key encoder + queue) with gradient guided sampling."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmpretrain.models import MoCo
from mmpretrain.registry import MODELS

from .guided_sampling_mixin import GuidedSamplingMixin


@MODELS.register_module()
class GraSSMoCo(GuidedSamplingMixin, MoCo):
    """MoCo v2 with GraSS's gradient guided sampling (see :class:`GuidedSamplingMixin`).

    The ``'id'`` phase is mmpretrain's ``MoCo`` (MoCo v2 with ``MoCoV2Neck``). MoCo is asymmetric: only the
    query view passes the online encoder, so its own loss gives the key view no online gradient. The guide
    objective is therefore MoCo's loss symmetrised: each view in turn is the query (online backbone + neck,
    normalised), the other view gives the positive key, the current queue the negatives (read only, never
    enqueued), and the two InfoNCE terms are summed, so each view's map is the gradient of exactly "that
    view as MoCo's query". With ``guide_target='online'`` (default) the positive key is the other view's
    online query with stop-gradient: the guide pass then costs one online forward per view, like GraSS's;
    with ``'momentum'`` it is the key encoder's output as it stands before this step's update (one extra
    key-encoder forward per view, its BN statistics kept, no batch shuffle: under DDP its BN normalises per
    rank). The training pass is ``MoCo.loss`` on the crops: key encoder update, shuffled keys, enqueue.

    Args:
        *args: Positional arguments of ``MoCo`` (backbone, neck, head, queue_len, feat_dim, momentum, ...).
        **kwargs: Keyword arguments of ``MoCo`` and of :class:`GuidedSamplingMixin` (``sampler``,
            ``localize_scale``, ``guide_updates_bn``, ``guide_target``).
    """

    def momentum_branch(self) -> Optional[torch.nn.Module]:
        """MoCo's key encoder (``encoder_k``, an EMA of backbone + neck)."""
        return self.encoder_k

    def guide_loss(self, feats: Sequence[torch.Tensor], views: Sequence[torch.Tensor]) -> torch.Tensor:
        """Sum over the two views of MoCo's InfoNCE loss with that view as the query.

        Args:
            feats (Sequence[torch.Tensor]): The two views' last feature maps, requiring grad.
            views (Sequence[torch.Tensor]): The two guide views (for the key encoder).

        Returns:
            torch.Tensor: The symmetrised MoCo loss.
        """
        projections = [self.neck((feat, ))[0] for feat in feats]
        queries = [F.normalize(p, dim=1) for p in projections]
        keys = [F.normalize(k, dim=1) for k in self.guide_targets(views, projections)]
        queue = self.queue.detach()
        loss = 0
        for query, key in zip(queries, reversed(keys)):
            positive = torch.einsum('nc,nc->n', [query, key]).unsqueeze(-1)
            negative = torch.einsum('nc,ck->nk', [query, queue])
            loss = loss + self.head.loss(positive, negative)
        return loss
