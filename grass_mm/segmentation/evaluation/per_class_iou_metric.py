"""mmseg's ``IoUMetric`` that also returns the per-class IoU (mmseg only logs it as a table)."""
from typing import Dict

import numpy as np
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class PerClassIoUMetric(IoUMetric):
    """``IoUMetric`` whose results also hold ``IoU.<class name>`` for every class.

    The summary keys (``aAcc``, ``mIoU``, ...) are mmseg's, unchanged. Per-class values are percentages
    rounded to two decimals like mmseg's table; a class that appears neither in the predictions nor in the
    labels has IoU NaN (mmseg's ``nanmean`` skips it in mIoU), or ``nan_to_num`` when that is set.

    Args:
        **kwargs: Passed to ``IoUMetric`` (``ignore_index``, ``iou_metrics``, ``nan_to_num``, ...).
    """

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Computes mmseg's metrics and adds the per-class IoU.

        Args:
            results (list): The processed results of each batch (intersection, union, prediction and label
                areas per class).

        Returns:
            dict: mmseg's metrics plus ``IoU.<class>`` for every class of ``dataset_meta['classes']``.
        """
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        intersect, union, pred_area, label_area = (sum(column) for column in zip(*results))
        per_class = self.total_area_to_metrics(intersect, union, pred_area, label_area, ['mIoU'],
                                               self.nan_to_num)['IoU']
        for name, value in zip(self.dataset_meta['classes'], np.asarray(per_class, dtype=float)):
            metrics[f'IoU.{name}'] = float(np.round(value * 100, 2))
        return metrics
