"""GraSS: SimCLR with an instance-discrimination warm-up, then gradient guided sampling."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.dist import get_world_size
from mmpretrain.models import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .utils import AllGatherWithGrad, check_guide_options, downscaled, frozen_bn_statistics, guide_features


@MODELS.register_module()
class GraSS(BaseSelfSupervisor):
    """GraSS: contrastive learning with a gradient guided sampling strategy.

    Implementation of `Contrastive Learning with Gradient Guided Sampling Strategy for Remote Sensing Image
    Semantic Segmentation <https://arxiv.org/abs/2306.15868>`_. In the ``'id'`` phase (instance
    discrimination warm-up) it is SimCLR. In the ``'gs'`` phase each step first runs a guide pass (backbone
    without a graph, ``torch.autograd.grad`` of the NT-Xent loss w.r.t. the last feature map only), lets the
    sampler crop every view to the box of its Grad-CAM region, and trains on the crops. ``GraSSHook`` sets
    the phase from the runner's counters. Negatives come from the whole global batch under DDP.

    Args:
        backbone (dict): Backbone config; its last output must be the last-stage feature map.
        neck (dict): Projection neck config, e.g. ``NonLinearNeck``.
        head (dict): ``ContrastiveHead`` config (temperature 0.5 in GraSS).
        sampler (dict): Sampler config. Defaults to ``dict(type='GradientGuidedSampler')``.
        localize_scale (float): Guide pass on views resized by this factor in (0, 1]; boxes are scaled back.
            1.0 is the release's behaviour. Defaults to 1.0.
        guide_updates_bn (bool): Let the guide pass update BN running statistics as well (the release's
            double update). Defaults to False (updated once per step, by the training pass).
        guide_dtype (str, optional): Run the guide pass's backbone forward in ``'bfloat16'`` or ``'float16'``
            (autocast; the neck, loss and gradient stay float32): about half its cost where the hardware
            has fast low-precision kernels (GPUs, CPUs with AMX), maps slightly perturbed. Defaults to None
            (float32, the release's behaviour).
        pretrained (str, optional): Checkpoint to load. Defaults to None.
        data_preprocessor (dict, optional): Data preprocessor config. Defaults to None.
        init_cfg (dict or list[dict], optional): Initialisation config. Defaults to None.
    """

    PHASES = ('id', 'gs')

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 sampler: dict = dict(type='GradientGuidedSampler'),
                 localize_scale: float = 1.0,
                 guide_updates_bn: bool = False,
                 guide_dtype: Optional[str] = None,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        check_guide_options('GraSS', localize_scale, guide_updates_bn, guide_dtype)
        self.sampler = MODELS.build(sampler)
        self.localize_scale = float(localize_scale)
        self.guide_updates_bn = guide_updates_bn
        self.guide_dtype = guide_dtype
        self.phase = 'id'

    def set_phase(self, phase: str) -> None:
        """Switches between the warm-up (``'id'``) and gradient guided sampling (``'gs'``).

        Args:
            phase (str): ``'id'`` or ``'gs'``.
        """
        if phase not in self.PHASES:
            raise ValueError(f'GraSS: phase must be one of {self.PHASES}, got {phase!r}')
        self.phase = phase

    def contrastive_loss(self, z: torch.Tensor, grad_scale: Optional[float] = None) -> torch.Tensor:
        """NT-Xent over the global batch; views ``2i`` and ``2i + 1`` form a positive pair.

        Args:
            z (torch.Tensor): Local embeddings, (2n, d), pairs adjacent.
            grad_scale (float, optional): Scale of the local gradient, see :class:`AllGatherWithGrad`.
                Defaults to None (the world size, so DDP's gradient average matches one big batch).

        Returns:
            torch.Tensor: The mean loss over all 2N views of the global batch.
        """
        if grad_scale is None:
            grad_scale = float(get_world_size())
        z = F.normalize(z, dim=1, eps=1e-10)
        z = torch.cat(AllGatherWithGrad.apply(z, grad_scale), dim=0)
        sim = z @ z.t()
        rows = torch.arange(sim.size(0), device=sim.device)
        partner = rows ^ 1
        keep = torch.ones_like(sim, dtype=torch.bool)
        keep[rows, rows] = False
        keep[rows, partner] = False
        positive = sim[rows, partner].unsqueeze(1)
        negative = sim[keep].view(sim.size(0), -1)
        return self.head.loss(positive, negative)

    def guide(self, views: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The guide pass: last feature map ``F`` and ``dL/dF`` without a backward through the backbone.

        Args:
            views (torch.Tensor): Views, (2n, C, H, W), pairs adjacent.

        Returns:
            tuple[torch.Tensor]: The (possibly downscaled) guide views, ``F`` and ``dL/dF``.
        """
        views = downscaled(views, self.localize_scale)
        with frozen_bn_statistics(self, enabled=not self.guide_updates_bn):
            feat = guide_features(self.backbone, views, self.guide_dtype)
            loss = self.contrastive_loss(self.neck((feat, ))[0], grad_scale=1.0)
        grad, = torch.autograd.grad(loss, feat)
        return views, feat.detach(), grad

    def sampling_preview(self, views: torch.Tensor) -> Dict[str, torch.Tensor]:
        """What the sampler picks for ``views``, for visualisation; changes no state (BN statistics kept).

        Args:
            views (torch.Tensor): Views, (2n, C, H, W), pairs adjacent.

        Returns:
            dict[str, torch.Tensor]: ``cam`` (2n, h, w), ``boxes`` (2n, 4) as (r0, r1, c0, c1) in view
            pixels, ``degenerate`` (2n,) and ``crops`` (2n, C, H, W).
        """
        with frozen_bn_statistics(self):
            guide_views, feat, grad = self.guide(views)
        cam = self.sampler.grad_cam(feat.float(), grad.float())
        boxes, degenerate = self.sampler.locate(cam, guide_views.shape[-2:], views.shape[-2:])
        return dict(cam=cam, boxes=boxes, degenerate=degenerate, crops=self.sampler.crop(views.detach(), boxes))

    def loss(self, inputs: List[torch.Tensor], data_samples: Optional[List[DataSample]] = None,
             **kwargs) -> Dict[str, torch.Tensor]:
        """The training forward: optional gradient guided sampling, then the contrastive loss.

        Args:
            inputs (list[torch.Tensor]): Two batches of views, each (n, C, H, W).
            data_samples (list[DataSample], optional): Unused. Defaults to None.

        Returns:
            dict[str, torch.Tensor]: ``loss`` plus logged statistics: ``gs_phase`` (0 or 1) and, in the
            GS phase, ``degenerate_frac`` (maps that kept the whole view) and ``box_area_frac`` (mean box
            area over the view area).
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError('GraSS expects two batches of views (MultiView with num_views=2), got '
                             f'{type(inputs).__name__} of length {len(inputs)}')
        views = torch.stack(inputs, 1).flatten(0, 1)
        stats = {}
        if self.phase == 'gs':
            guide_views, feat, grad = self.guide(views)
            # the stacked views are ours and no longer needed: crop them in place, as the release did
            views, stats = self.sampler(views, feat.float(), grad.float(), map_size=guide_views.shape[-2:],
                                        out=views)
        z = self.neck(self.backbone(views)[-1:])[0]
        losses = dict(loss=self.contrastive_loss(z))
        losses['gs_phase'] = z.new_tensor(float(self.phase == 'gs'))
        losses.update({key: value.to(z.device).float() for key, value in stats.items()})
        return losses
