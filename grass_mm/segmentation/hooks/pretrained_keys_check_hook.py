"""Fails fast when a ``Pretrained`` init_cfg does not fit the module it initialises.

mmengine's ``PretrainedInit`` loads with ``strict=False`` and only logs mismatches. Loading a torchvision-
layout ResNet checkpoint (7x7 stem: ``conv1``/``bn1``, which is what GraSS/SimCLR pretrain) into mmseg's
default ``ResNetV1c`` (3-conv stem: ``stem.0``...) therefore trains the stem from random weights without an
error. This hook compares every ``init_cfg=dict(type='Pretrained', ...)`` module with its checkpoint before
the first training step and raises on missing keys, unexpected keys or shape mismatches.
"""
import re
from typing import Dict, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModule, is_model_wrapper
from mmengine.runner import CheckpointLoader
from mmseg.registry import HOOKS
from torch import nn

_SHOWN = 8


@HOOKS.register_module()
class PretrainedKeysCheckHook(Hook):
    """Raises before training when a pretrained checkpoint does not match its module exactly.

    Args:
        ignore_keys (Sequence[str]): Regular expressions (``re.search``) of keys to leave out of the
            comparison on both sides, e.g. ``(r'^fc\\.',)`` for an ImageNet classifier's head.
            ``num_batches_tracked`` buffers are always ignored when missing, as mmengine does.
            Defaults to ().
    """

    priority = 'VERY_HIGH'

    def __init__(self, ignore_keys: Sequence[str] = ()) -> None:
        self.ignore_patterns = [re.compile(pattern) for pattern in ignore_keys]

    def before_train(self, runner) -> None:
        """Checks every module of ``runner.model`` that has a ``Pretrained`` init_cfg.

        Args:
            runner (Runner): The runner; only ``runner.model`` is used.
        """
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        self.check_model(model)

    def check_model(self, model: nn.Module) -> int:
        """Checks every submodule of ``model`` (itself included) that has a ``Pretrained`` init_cfg.

        Args:
            model (nn.Module): The model.

        Returns:
            int: How many pretrained init_cfgs were checked.

        Raises:
            RuntimeError: Naming the module, the checkpoint and the mismatching keys.
        """
        checked = 0
        for name, module in model.named_modules():
            if not isinstance(module, BaseModule) or not module.init_cfg:
                continue
            init_cfgs = module.init_cfg if isinstance(module.init_cfg, list) else [module.init_cfg]
            for init_cfg in init_cfgs:
                if init_cfg.get('type') == 'Pretrained':
                    self.check_module(module, init_cfg['checkpoint'], init_cfg.get('prefix'), name)
                    checked += 1
        return checked

    def check_module(self, module: nn.Module, checkpoint: str, prefix: str = None, name: str = '') -> None:
        """Compares ``module.state_dict()`` with the state dict that ``PretrainedInit`` would load.

        Args:
            module (nn.Module): The initialised module.
            checkpoint (str): The checkpoint file or URI of its init_cfg.
            prefix (str, optional): The init_cfg's ``prefix``. Defaults to None.
            name (str): The module's name in the model, for the message. Defaults to ''.

        Raises:
            RuntimeError: If keys are missing or unexpected, or shapes differ.
        """
        source = self._source_state(checkpoint, prefix)
        target = {key: value for key, value in module.state_dict().items() if not self._ignored(key)}
        missing = [key for key in target if key not in source and 'num_batches_tracked' not in key]
        unexpected = [key for key in source if key not in target]
        mismatched = [
            f'{key}: checkpoint {tuple(source[key].shape)} vs model {tuple(value.shape)}'
            for key, value in target.items() if key in source and source[key].shape != value.shape
        ]
        if not (missing or unexpected or mismatched):
            return
        lines = [
            f"Pretrained checkpoint '{checkpoint}'" + (f" (prefix '{prefix}')" if prefix else '') +
            f" does not match module '{name or type(module).__name__}' ({type(module).__name__}); "
            'mmengine would load it non-strictly and leave the mismatching weights random.'
        ]
        problems = {
            'missing from the checkpoint': missing,
            'unexpected (not in the model)': unexpected,
            'shape mismatch': mismatched,
        }
        for title, keys in problems.items():
            if keys:
                more = f', ... ({len(keys) - _SHOWN} more)' if len(keys) > _SHOWN else ''
                lines.append(f"  {len(keys)} {title}: {', '.join(keys[:_SHOWN])}{more}")
        if any(key.startswith('stem.') for key in missing) and 'conv1.weight' in unexpected:
            lines.append("  The checkpoint has a 7x7 stem (torchvision/mmpretrain 'ResNet' layout) and the model "
                         "a 3-conv stem ('ResNetV1c'/'ResNetV1d'): use backbone type='ResNet'.")
        raise RuntimeError('\n'.join(lines))

    def _source_state(self, checkpoint: str, prefix: str = None) -> Dict[str, torch.Tensor]:
        """Loads the checkpoint's state dict as ``PretrainedInit`` sees it (prefix applied)."""
        loaded = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu', logger='silent')
        state = loaded.get('state_dict', loaded) if isinstance(loaded, dict) else {}
        state = {re.sub(r'^module\.', '', key): value for key, value in state.items()}
        if prefix:
            prefix = prefix if prefix.endswith('.') else prefix + '.'
            state = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
        return {
            key: value
            for key, value in state.items() if isinstance(value, torch.Tensor) and not self._ignored(key)
        }

    def _ignored(self, key: str) -> bool:
        """Whether ``key`` matches one of ``ignore_keys``."""
        return any(pattern.search(key) for pattern in self.ignore_patterns)
