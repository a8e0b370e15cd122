"""All-gather of embeddings that keeps the gradient of the local slice and scales it for DDP."""
from typing import Any, Tuple

import torch
from mmengine.dist import all_gather, get_rank, get_world_size


class AllGatherWithGrad(torch.autograd.Function):
    """Gathers a tensor from every rank; the backward returns the local slice's gradient times a scale.

    Every rank computes the same global NT-Xent loss from the gathered embeddings, so the gradient that
    reaches the local slot is already the full ``dL/dz_local``. mmpretrain's ``GatherLayer`` returns exactly
    that, and DDP then *averages* the parameter gradients over ``W`` ranks, which makes them ``1/W`` of the
    single-process gradient of the same global batch. Passing ``grad_scale=W`` undoes the average, so that
    ``W`` processes with batch ``B`` update the parameters exactly like one process with batch ``W*B``; the
    guide pass uses ``grad_scale=1`` because it needs ``dL/dF`` itself. No communication in the backward.
    """

    @staticmethod
    def forward(ctx: Any, tensor: torch.Tensor, grad_scale: float) -> Tuple[torch.Tensor, ...]:
        """Gathers ``tensor`` from every rank.

        Args:
            ctx (Any): Autograd context.
            tensor (torch.Tensor): The local tensor, same shape on every rank.
            grad_scale (float): Factor applied to the local slice's gradient in the backward.

        Returns:
            tuple[torch.Tensor]: One tensor per rank, in rank order.
        """
        ctx.grad_scale = grad_scale
        if get_world_size() == 1:
            return (tensor.view_as(tensor), )
        return tuple(all_gather(tensor))

    @staticmethod
    def backward(ctx: Any, *grads: torch.Tensor) -> Tuple[torch.Tensor, None]:
        """Returns the gradient of this rank's slice, scaled by ``grad_scale``.

        Args:
            ctx (Any): Autograd context.
            *grads (torch.Tensor): Gradients of every gathered slice.

        Returns:
            tuple: The local gradient and ``None`` for ``grad_scale``.
        """
        local = grads[get_rank()] if len(grads) > 1 else grads[0]
        return local * ctx.grad_scale, None
