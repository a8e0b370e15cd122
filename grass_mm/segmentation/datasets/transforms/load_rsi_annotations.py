"""mmseg's LoadAnnotations plus checks of the mask against its image and the dataset's classes."""
from typing import Optional

import numpy as np
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadRSIAnnotations(LoadAnnotations):
    """Loads a class-index mask like mmseg's ``LoadAnnotations`` and validates it.

    Checks, each raising ``ValueError`` that names the mask file:

    - the mask is a single-channel image (a colour-coded label image must be converted first, see
      ``tools/dataset_converters``);
    - the mask has the size of its image (``ori_shape``, set by ``LoadImageFromFile``; checked whenever
      the image was loaded before the mask, also when a ``Resize`` comes in between);
    - every label, after ``reduce_zero_label`` and ``label_map``, is a class index
      (``0 .. num_classes - 1``) or the ignore index.

    The checks run when a sample is loaded (lazily) rather than in one pass over the whole data set when
    it is built, which would decode every mask before training starts; their cost is one ``bincount`` of
    the mask. ``num_classes`` and ``ignore_index`` come from the arguments or, when those are None, from
    the data info (``RSISegDataset`` stores them there); without either, the value check is skipped.

    At inference there is no mask to load: mmseg's ``inference_model`` and ``MMSegInferencer`` drop the
    step named ``LoadAnnotations`` from the test pipeline and feed only the image (``img_path`` or ``img``),
    so an input without ``seg_map_path`` passes through unchanged. The same test pipeline thus serves
    evaluation and prediction; every dataset's data info has ``seg_map_path`` and is loaded and checked.

    Args:
        num_classes (int, optional): number of classes. Defaults to None (from the data info).
        ignore_index (int, optional): the ignored label. Defaults to None (data info, else 255).
        **kwargs: arguments of mmseg's ``LoadAnnotations`` (``imdecode_backend``, ``backend_args``).
    """

    def __init__(self, num_classes: Optional[int] = None, ignore_index: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.ignore_index = ignore_index

    def transform(self, results: dict) -> dict:
        """Loads and checks the mask; an inference input (no ``seg_map_path``) passes through.

        Args:
            results (dict): data info, or an inference input with ``img_path``/``img`` only.

        Returns:
            dict: ``results`` with ``gt_seg_map`` when a mask was given.
        """
        if 'seg_map_path' not in results:
            return results
        return super().transform(results)

    def _load_seg_map(self, results: dict) -> None:
        """Loads the mask into ``results['gt_seg_map']`` and validates it.

        Args:
            results (dict): data info with ``seg_map_path`` (and ``ori_shape`` when the image is loaded).
        """
        super()._load_seg_map(results)
        path = results['seg_map_path']
        mask = results['gt_seg_map']
        if mask.ndim != 2:
            raise ValueError(f'mask {path} has shape {mask.shape}: expected a single-channel image of '
                             'class indices (convert colour-coded labels with tools/dataset_converters)')
        image_shape = results.get('ori_shape')
        if image_shape is not None and tuple(mask.shape) != tuple(image_shape[:2]):
            raise ValueError(f'mask {path} is {mask.shape[0]}x{mask.shape[1]} (h x w) but its image '
                             f'{results.get("img_path")} is {image_shape[0]}x{image_shape[1]}')
        num_classes = self.num_classes if self.num_classes is not None else results.get('num_classes')
        if num_classes is None:
            return
        ignore_index = self.ignore_index
        if ignore_index is None:
            ignore_index = results.get('ignore_index', 255)
        counts = np.bincount(mask.ravel(), minlength=256)
        counts[:num_classes] = 0
        counts[ignore_index] = 0
        bad = np.flatnonzero(counts)
        if bad.size:
            mapped = ' after reduce_zero_label' if results.get('reduce_zero_label') else ''
            raise ValueError(f'mask {path} has label values {bad[:10].tolist()}{mapped} outside the '
                             f'{num_classes} classes: expected 0..{num_classes - 1} or the ignore index '
                             f'{ignore_index}')

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_classes={self.num_classes}, '
                f'ignore_index={self.ignore_index}, imdecode_backend={self.imdecode_backend!r})')
