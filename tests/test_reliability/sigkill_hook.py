"""A test-only hook that SIGKILLs its own training process (loaded by the kill tests via custom_imports)."""
import os
import signal
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class SigkillAtIterHook(Hook):
    """Kills the process with SIGKILL right after the optimizer step of iteration ``at_iter`` (1-based).

    It runs first among the ``after_train_iter`` hooks, so the parameters in memory have moved on while
    nothing of that iteration is logged or checkpointed: the worst moment for a kill short of saving.

    Args:
        at_iter (int): The 1-based iteration whose update is the last thing the process does.
    """

    priority = 'HIGHEST'

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def after_train_iter(self, runner, batch_idx: int, data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[dict] = None) -> None:
        """SIGKILLs the process at ``at_iter``."""
        if runner.iter + 1 == self.at_iter:
            os.kill(os.getpid(), signal.SIGKILL)
