"""PerClassIoUMetric: mmseg's IoUMetric plus one IoU per class, equal to a direct computation."""
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from grass_mm.segmentation.evaluation import PerClassIoUMetric


def sample(pred: np.ndarray, label: np.ndarray) -> dict:
    data = SegDataSample(pred_sem_seg=PixelData(data=torch.from_numpy(pred)[None]),
                         gt_sem_seg=PixelData(data=torch.from_numpy(label)[None]))
    return data.to_dict()


def test_per_class_iou_matches_direct_computation():
    rng = np.random.default_rng(0)
    labels = [rng.integers(0, 3, (8, 9)) for _ in range(3)]
    preds = [np.where(rng.random(label.shape) < 0.7, label, rng.integers(0, 3, label.shape)) for label in labels]
    labels[0][0, :] = 255  # ignored pixels
    metric = PerClassIoUMetric(iou_metrics=['mIoU'])
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'never'))
    metric.process([], [sample(pred, label) for pred, label in zip(preds, labels)])
    results = metric.evaluate(len(labels))

    pred, label = np.concatenate([p.ravel() for p in preds]), np.concatenate([lab.ravel() for lab in labels])
    valid = label != 255
    for index, name in enumerate(('a', 'b', 'c')):
        inter = np.sum((pred == index) & (label == index) & valid)
        union = np.sum(((pred == index) | (label == index)) & valid)
        assert abs(results[f'IoU.{name}'] - round(100 * inter / union, 2)) < 1e-6
    assert np.isnan(results['IoU.never'])  # absent from predictions and labels
    per_class = [results[f'IoU.{name}'] for name in ('a', 'b', 'c')]
    assert abs(results['mIoU'] - np.mean(per_class)) < 0.02
