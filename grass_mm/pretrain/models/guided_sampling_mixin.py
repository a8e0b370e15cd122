"""Gradient guided sampling as a plug-in for the two-view self-supervised algorithms of mmpretrain."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .utils import check_guide_options, downscaled, frozen_bn_statistics, guide_features


class GuidedSamplingMixin:
    """Adds GraSS's gradient guided sampling (GS) to a two-view mmpretrain algorithm.

    Put it first among the bases, ``class GraSSBYOL(GuidedSamplingMixin, BYOL)``, and implement
    :meth:`guide_loss`: the method's objective computed from the online backbone's last feature map of each
    view. In the ``'id'`` phase :meth:`loss` *is* the base algorithm's ``loss()``. In the ``'gs'`` phase every
    step first runs a guide pass: the online backbone on each view without a graph (as the base runs it, one
    batch per view), ``torch.autograd.grad`` of :meth:`guide_loss` w.r.t. the two last feature maps only (never
    a full backward), Grad-CAM maps, boxes and crops from the sampler; then the base algorithm's own
    ``loss()`` runs on the two batches of crops, with all its state updates (momentum encoder, queue).

    The guide pass changes no state: BN running statistics of the online network follow ``guide_updates_bn``,
    a momentum branch only runs read-only (``guide_target='momentum'``: no EMA update, BN statistics kept,
    no batch shuffle, so no random numbers are drawn), queues are only read and no parameter ``.grad`` is
    touched. The state dict has the base algorithm's keys, so checkpoints load into either.

    Args:
        *args: Positional arguments of the base algorithm.
        sampler (dict): Sampler config. Defaults to ``dict(type='GradientGuidedSampler')``.
        localize_scale (float): Guide pass on views resized by this factor in (0, 1]; boxes are scaled back.
            Defaults to 1.0.
        guide_updates_bn (bool): Let the guide pass update the online network's BN running statistics too.
            Defaults to False (updated once per step, by the base's training pass).
        guide_target (str): Where the guide objective takes the other view's target from: ``'online'``, the
            online branch's own output with stop-gradient, or ``'momentum'``, the base's momentum branch as
            it is before this step's update (only for bases that have one). Defaults to 'online'.
        guide_dtype (str, optional): Run the guide pass's online backbone forwards in ``'bfloat16'`` or
            ``'float16'`` (autocast; the rest of the guide pass stays float32), see ``GraSS``. Defaults to
            None (float32).
        **kwargs: Keyword arguments of the base algorithm.
    """

    PHASES = ('id', 'gs')
    GUIDE_TARGETS = ('online', 'momentum')

    def __init__(self,
                 *args,
                 sampler: dict = dict(type='GradientGuidedSampler'),
                 localize_scale: float = 1.0,
                 guide_updates_bn: bool = False,
                 guide_target: str = 'online',
                 guide_dtype: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name = type(self).__name__
        check_guide_options(name, localize_scale, guide_updates_bn, guide_dtype)
        targets = self.GUIDE_TARGETS if self.momentum_branch() is not None else self.GUIDE_TARGETS[:1]
        if guide_target not in targets:
            raise ValueError(f'{name}: guide_target must be one of {targets}, got {guide_target!r}')
        self.sampler = MODELS.build(sampler)
        self.localize_scale = float(localize_scale)
        self.guide_updates_bn = guide_updates_bn
        self.guide_target = guide_target
        self.guide_dtype = guide_dtype
        self.phase = 'id'

    def set_phase(self, phase: str) -> None:
        """Switches between the base algorithm (``'id'``) and gradient guided sampling (``'gs'``).

        Args:
            phase (str): ``'id'`` or ``'gs'``.
        """
        if phase not in self.PHASES:
            raise ValueError(f'{type(self).__name__}: phase must be one of {self.PHASES}, got {phase!r}')
        self.phase = phase

    def momentum_branch(self) -> Optional[torch.nn.Module]:
        """The base's momentum encoder (backbone + neck), or None when it has none.

        Returns:
            torch.nn.Module, optional: A module mapping views to a tuple whose first item is the projection.
        """
        return None

    def guide_loss(self, feats: Sequence[torch.Tensor], views: Sequence[torch.Tensor]) -> torch.Tensor:
        """The guide objective from the online backbone's last feature maps of the two views.

        Args:
            feats (Sequence[torch.Tensor]): The two views' last feature maps, (n, K, h, w), requiring grad.
            views (Sequence[torch.Tensor]): The two guide views, (n, C, H, W), for a momentum branch.

        Returns:
            torch.Tensor: A scalar whose gradient w.r.t. ``feats`` gives the Grad-CAM maps.
        """
        raise NotImplementedError(f'{type(self).__name__} must implement guide_loss()')

    def guide_targets(self, views: Sequence[torch.Tensor], projections: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        """The target projection of each view for the guide objective, without gradient.

        Args:
            views (Sequence[torch.Tensor]): The two guide views.
            projections (Sequence[torch.Tensor]): The online projections of the two views.

        Returns:
            list[torch.Tensor]: ``projections`` detached (``'online'``), or the momentum branch's projections
            of ``views`` (``'momentum'``; its BN statistics kept, no EMA update).
        """
        if self.guide_target == 'online':
            return [p.detach() for p in projections]
        branch = self.momentum_branch()
        with torch.no_grad(), frozen_bn_statistics(branch):
            return [branch(v)[0] for v in views]

    def guide(self, views: Sequence[torch.Tensor]) -> Tuple[List[torch.Tensor], ...]:
        """The guide pass: last feature maps ``F`` of both views and ``dL/dF`` without a backbone backward.

        Args:
            views (Sequence[torch.Tensor]): The two batches of views, each (n, C, H, W).

        Returns:
            tuple[list[torch.Tensor]]: The (possibly downscaled) guide views, ``F`` and ``dL/dF``, one per view.
        """
        views = [downscaled(v, self.localize_scale) for v in views]
        with frozen_bn_statistics(self, enabled=not self.guide_updates_bn):
            feats = [guide_features(self.backbone, v, self.guide_dtype) for v in views]
            loss = self.guide_loss(feats, views)
        grads = torch.autograd.grad(loss, feats)
        return list(views), [f.detach() for f in feats], list(grads)

    def sampling_preview(self, views: torch.Tensor) -> Dict[str, torch.Tensor]:
        """What the sampler picks for ``views``, for visualisation; changes no state (BN statistics kept).

        Args:
            views (torch.Tensor): Views, (2n, C, H, W), pairs adjacent as ``GraSS.sampling_preview`` takes them.

        Returns:
            dict[str, torch.Tensor]: ``cam`` (2n, h, w), ``boxes`` (2n, 4), ``degenerate`` (2n,) and ``crops``.
        """
        if views.size(0) % 2:
            raise ValueError(f'{type(self).__name__}.sampling_preview needs pairs of views, got {views.size(0)}')
        with frozen_bn_statistics(self):
            guide_views, feats, grads = self.guide([views[0::2], views[1::2]])
        cam = self.sampler.grad_cam(torch.stack(feats, 1).flatten(0, 1).float(),
                                    torch.stack(grads, 1).flatten(0, 1).float())
        boxes, degenerate = self.sampler.locate(cam, guide_views[0].shape[-2:], views.shape[-2:])
        return dict(cam=cam, boxes=boxes, degenerate=degenerate, crops=self.sampler.crop(views.detach(), boxes))

    def loss(self, inputs: List[torch.Tensor], data_samples: Optional[List[DataSample]] = None,
             **kwargs) -> Dict[str, torch.Tensor]:
        """The training forward: optional gradient guided sampling, then the base algorithm's ``loss()``.

        Args:
            inputs (list[torch.Tensor]): Two batches of views, each (n, C, H, W).
            data_samples (list[DataSample], optional): Passed to the base. Defaults to None.

        Returns:
            dict[str, torch.Tensor]: The base's losses plus ``gs_phase`` (0 or 1) and, in the GS phase,
            ``degenerate_frac`` and ``box_area_frac`` over both views.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f'{type(self).__name__} expects two batches of views (MultiView with 2 views), '
                             f'got {type(inputs).__name__} of length {len(inputs)}')
        stats = {}
        if self.phase == 'gs':
            guide_views, feats, grads = self.guide(inputs)
            views = torch.cat(inputs)  # our copy: the crops are written into it
            crops, stats = self.sampler(views, torch.cat(feats).float(), torch.cat(grads).float(),
                                        map_size=guide_views[0].shape[-2:], out=views)
            inputs = list(crops.split(inputs[0].size(0)))
        losses = super().loss(list(inputs), data_samples, **kwargs)
        loss = losses['loss']
        losses['gs_phase'] = loss.new_tensor(float(self.phase == 'gs'))
        losses.update({key: value.to(loss.device).float() for key, value in stats.items()})
        return losses
