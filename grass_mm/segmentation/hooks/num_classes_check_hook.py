"""Fails fast when the segmentor's heads do not predict the dataset's classes (e.g. ``meta.json``'s)."""
from typing import List, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS
from torch import nn

HEADS = ('decode_head', 'auxiliary_head')


@HOOKS.register_module()
class NumClassesCheckHook(Hook):
    """Raises before training, validation or testing when a head's ``num_classes`` differs from the dataset's.

    mmseg builds the heads from ``model.decode_head.num_classes`` and ``model.auxiliary_head.num_classes``
    and never compares them with the dataset: too many classes train silently on an unused output, too
    few fail later inside the loss with a CUDA assert or a shape error that names neither key. The
    dataset's classes are its metainfo's, which ``RSISegDataset`` reads from the data root's ``meta.json``.

    The message names the config keys to change, the dataset's class count and the file the classes come
    from.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        """Checks the model against the training set."""
        self.check(runner.model, runner.train_dataloader.dataset, 'train_dataloader')

    def before_val(self, runner) -> None:
        """Checks the model against the validation set."""
        self.check(runner.model, runner.val_dataloader.dataset, 'val_dataloader')

    def before_test(self, runner) -> None:
        """Checks the model against the test set."""
        self.check(runner.model, runner.test_dataloader.dataset, 'test_dataloader')

    @staticmethod
    def head_classes(model: nn.Module) -> List[Tuple[str, int]]:
        """Returns ``(config key, num_classes)`` of every head of a segmentor.

        Args:
            model (nn.Module): An mmseg segmentor (wrapped or not).

        Returns:
            list[tuple[str, int]]: E.g. ``[('model.decode_head.num_classes', 6), ...]``; auxiliary heads given
            as a list are numbered (``model.auxiliary_head.0.num_classes``).
        """
        model = model.module if is_model_wrapper(model) else model
        found = []
        for name in HEADS:
            head = getattr(model, name, None)
            heads = list(enumerate(head)) if isinstance(head, nn.ModuleList) else [(None, head)]
            for index, module in heads:
                if hasattr(module, 'num_classes'):
                    key = f'model.{name}' + (f'.{index}' if index is not None else '') + '.num_classes'
                    found.append((key, module.num_classes))
        return found

    @staticmethod
    def class_source(dataset) -> str:
        """Names where a dataset's classes come from: its ``meta.json`` or its class."""
        while not hasattr(dataset, 'meta_file') and hasattr(dataset, 'dataset'):
            dataset = dataset.dataset  # wrappers such as LabelFractionDataset
        return getattr(dataset, 'meta_file', None) or f'{type(dataset).__name__}.METAINFO'

    def check(self, model: nn.Module, dataset, loader: str) -> None:
        """Compares every head's ``num_classes`` with the dataset's classes.

        Args:
            model (nn.Module): The segmentor.
            dataset: The loader's dataset (its ``metainfo['classes']`` is used).
            loader (str): The loader's config key, for the message.

        Raises:
            ValueError: Naming the head keys, the dataset's class count, its classes and their file.
        """
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        if not classes:
            return
        heads = self.head_classes(model)
        wrong = [(key, count) for key, count in heads if count != len(classes)]
        if not wrong:
            return
        found = ', '.join(f'{key} = {count}' for key, count in wrong)
        raise ValueError(
            f'{found}, but the dataset of {loader} has {len(classes)} classes {tuple(classes)} (from '
            f'{self.class_source(dataset)}). Set {" and ".join(key for key, _ in heads)} to {len(classes)} '
            '(num_classes at the top of the own-data templates).')
