"""Stops training at the first non-finite loss or parameter, before anything is checkpointed."""
from typing import Optional, Sequence

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raises ``FloatingPointError`` when an iteration's loss or the updated parameters are NaN or inf.

    Policy (see docs/reliability.md): stop, never skip. A NaN step has already been applied to the
    parameters in memory when hooks run, so the hook runs with priority ``ABOVE_NORMAL``, i.e. after the
    update but before ``EMAHook``, ``LoggerHook``, ``ParamSchedulerHook`` and ``CheckpointHook``: the
    corrupted state is never written and the last checkpoint on disk is the last good one. The error names
    the iteration, the offending values and that checkpoint, so ``--resume`` continues from it once the
    cause (learning rate, data, AMP settings) is fixed. The parameters are checked too because a finite
    loss can still produce a non-finite gradient, which would otherwise be saved in the next checkpoint.
    Under DDP the verdict is reduced over all ranks, so every process stops at the same iteration.

    Args:
        check_params (bool): Also check the parameters after every update (one norm over all of them).
            Defaults to True.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, check_params: bool = True) -> None:
        if not isinstance(check_params, bool):
            raise TypeError(f'NonFiniteLossHook: check_params must be a bool, got {check_params!r}')
        self.check_params = check_params

    def after_train_iter(self, runner, batch_idx: int, data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[dict] = None) -> None:
        """Checks this iteration's losses and parameters; raises on NaN or inf on any rank."""
        losses = {key: value.detach().float() for key, value in (outputs or {}).items()
                  if 'loss' in key and isinstance(value, torch.Tensor)}
        bad_losses = [key for key, value in losses.items() if not torch.isfinite(value).all()]
        bad_params = False
        if self.check_params:
            params = [p.detach() for p in get_ori_model(runner.model).parameters()]
            bad_params = bool(params) and not torch.isfinite(torch.nn.utils.get_total_norm(params)).item()
        device = next(iter(losses.values())).device if losses else 'cpu'
        flag = torch.tensor(float(bool(bad_losses) or bad_params), device=device)
        all_reduce(flag, op='max')
        if flag.item() == 0:
            return
        found = ', '.join(f'{key}={value.mean().item()}' for key, value in losses.items())
        if bad_losses:
            what = f'non-finite loss ({found})'
        elif bad_params:
            what = f'non-finite parameters after the update (finite loss: {found}; the gradient was not)'
        else:
            what = f'a non-finite loss or parameter on another rank (here: {found})'
        last = runner.message_hub.get_info('last_ckpt')
        kept = f'the last good checkpoint is {last}' if last else 'no checkpoint was saved before it'
        raise FloatingPointError(
            f'NonFiniteLossHook: {what} at iteration {runner.iter + 1} (epoch {runner.epoch + 1}). Training '
            f'stopped before this state was checkpointed; {kept}. Fix the cause (e.g. lower the learning '
            f'rate, check the data) and resume with --resume.')
