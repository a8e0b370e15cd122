"""Switches GraSS from the instance-discrimination warm-up to gradient guided sampling."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model


@HOOKS.register_module()
class GraSSHook(Hook):
    """Sets the GraSS phase (``'id'`` warm-up, then ``'gs'``) from the runner's counters.

    Works with every model that has ``phase`` and ``set_phase()``: ``GraSS`` and the gradient guided sampling
    plug-in models (``GraSSMoCo``, ``GraSSBYOL``, ``GraSSSimSiam``, ``GraSSBarlowTwins``), whose ``'id'``
    phase is the base method itself.

    The phase is derived again before every iteration from ``runner.epoch`` or ``runner.iter``; no state
    is kept, so a run resumed from any checkpoint, before or after the switch, continues exactly.

    Give at most one of ``warmup_epochs`` / ``warmup_iters``; with neither, the warm-up is
    ``warmup_ratio`` of the training length (the spec's default: 10 %, i.e. 35 of 350 epochs). A warm-up
    of 0 applies GS from the first step (as the release did, or after ``load_from`` a SimCLR checkpoint).

    Args:
        warmup_epochs (int, optional): Epochs of ID warm-up (epoch-based loops only). Defaults to None.
        warmup_iters (int, optional): Iterations of ID warm-up. Defaults to None.
        warmup_ratio (float): Fraction of the training length used when neither count is given, in
            [0, 1]. Defaults to 0.1.
    """

    priority = 'NORMAL'

    def __init__(self,
                 warmup_epochs: Optional[int] = None,
                 warmup_iters: Optional[int] = None,
                 warmup_ratio: float = 0.1) -> None:
        if warmup_epochs is not None and warmup_iters is not None:
            raise ValueError('GraSSHook: give warmup_epochs or warmup_iters, not both '
                             f'(got {warmup_epochs} and {warmup_iters})')
        for name, value in (('warmup_epochs', warmup_epochs), ('warmup_iters', warmup_iters)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f'GraSSHook: {name} must be a non-negative int, got {value!r}')
        if isinstance(warmup_ratio, bool) or not isinstance(warmup_ratio, (int, float)) \
                or not 0 <= warmup_ratio <= 1:
            raise ValueError(f'GraSSHook: warmup_ratio must be a number in [0, 1], got {warmup_ratio!r}')
        self.warmup_epochs = warmup_epochs
        self.warmup_iters = warmup_iters
        self.warmup_ratio = warmup_ratio
        self.by_epoch = False
        self.warmup = 0

    def before_train(self, runner) -> None:
        """Checks the model and resolves the warm-up length against the training schedule."""
        model = get_ori_model(runner.model)
        if not hasattr(model, 'set_phase'):
            raise TypeError('GraSSHook needs a model with set_phase() (GraSS, or a plug-in model such as GraSSMoCo '
                            f'or GraSSBYOL), got {type(model).__name__}')
        by_epoch = not isinstance(runner.train_loop, IterBasedTrainLoop)
        if self.warmup_epochs is not None and not by_epoch:
            raise ValueError('GraSSHook: warmup_epochs needs an epoch-based train loop; '
                             'use warmup_iters with IterBasedTrainLoop')
        if self.warmup_epochs is not None:
            self.by_epoch, self.warmup, limit, unit = True, self.warmup_epochs, runner.max_epochs, 'epochs'
        elif self.warmup_iters is not None:
            self.by_epoch, self.warmup, limit, unit = False, self.warmup_iters, runner.max_iters, 'iters'
        elif by_epoch:
            self.by_epoch, limit, unit = True, runner.max_epochs, 'epochs'
            self.warmup = round(self.warmup_ratio * limit)
        else:
            self.by_epoch, limit, unit = False, runner.max_iters, 'iters'
            self.warmup = round(self.warmup_ratio * limit)
        if self.warmup > limit:
            raise ValueError(f'GraSSHook: warm-up of {self.warmup} {unit} is longer than the schedule '
                             f'({limit} {unit}); it must be in [0, {limit}]')
        runner.logger.info(f'GraSSHook: ID warm-up for {self.warmup} {unit}, then gradient guided sampling')

    def phase_at(self, epoch: int, iteration: int) -> str:
        """Returns the phase for a position in training.

        Args:
            epoch (int): The current epoch (0-based).
            iteration (int): The current global iteration (0-based).

        Returns:
            str: ``'id'`` during the warm-up, else ``'gs'``.
        """
        count = epoch if self.by_epoch else iteration
        return 'gs' if count >= self.warmup else 'id'

    def before_train_iter(self, runner, batch_idx: int, data_batch: Optional[Sequence[dict]] = None) -> None:
        """Sets the model's phase for this iteration and logs the switch."""
        model = get_ori_model(runner.model)
        phase = self.phase_at(runner.epoch, runner.iter)
        if phase != model.phase:
            runner.logger.info(f'GraSSHook: phase {model.phase!r} -> {phase!r} at epoch {runner.epoch}, '
                               f'iter {runner.iter}')
            model.set_phase(phase)
