"""How far the guide pass's cheaper options move the boxes: each variant's boxes against the float32, full-size
guide pass of the same model on the same views (a config's training pipeline on real images), and its cost."""
import copy
import statistics
import time
from typing import Dict, Optional

import torch

from tools.harness.timing import sync
from tools.visualize_sampling import build_model_and_loader

# The options compared with the default guide pass (float32 at the views' size), as model attributes.
VARIANTS = dict(bfloat16=dict(guide_dtype='bfloat16'), float16=dict(guide_dtype='float16'),
                localize_half=dict(localize_scale=0.5))


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """IoU of paired half-open boxes ``(r0, r1, c0, c1)``.

    Args:
        a (torch.Tensor): (B, 4) boxes.
        b (torch.Tensor): (B, 4) boxes.

    Returns:
        torch.Tensor: (B,) float IoUs.
    """
    a, b = a.double(), b.double()
    rows = (torch.minimum(a[:, 1], b[:, 1]) - torch.maximum(a[:, 0], b[:, 0])).clamp(min=0)
    cols = (torch.minimum(a[:, 3], b[:, 3]) - torch.maximum(a[:, 2], b[:, 2])).clamp(min=0)
    inter = rows * cols
    area_a = (a[:, 1] - a[:, 0]) * (a[:, 3] - a[:, 2])
    area_b = (b[:, 1] - b[:, 0]) * (b[:, 3] - b[:, 2])
    return inter / (area_a + area_b - inter)


def guide_fidelity(config: str, checkpoint: Optional[str], images: str, batch_size: int, batches: int,
                   repeats: int, device: torch.device, seed: int = 0) -> Dict[str, float]:
    """Box agreement and guide-pass time of every variant of :data:`VARIANTS` against the default guide pass.

    Args:
        config (str): A pretraining config with gradient guided sampling (GraSS or a plug-in model).
        checkpoint (str, optional): Its checkpoint; None measures the random initialisation.
        images (str): Folder of images for the config's training pipeline.
        batch_size (int): Images per batch (two views each).
        batches (int): Batches compared.
        repeats (int): Timed rounds per batch, alternating the variants (medians reported).
        device (torch.device): Where the model runs.
        seed (int): Seed of the initialisation and of the views. Defaults to 0.

    Returns:
        dict[str, float]: Per variant ``<name>_boxes_equal`` (fraction of identical boxes), ``<name>_box_iou_mean``,
        ``<name>_box_iou_min`` and ``<name>_time_over_float32`` (median guide-pass time ratio, the sampler
        included), plus ``views``.
    """
    model, loader = build_model_and_loader(config, checkpoint, images, batch_size, seed)
    models = dict(float32=model.to(device))
    for name, attrs in VARIANTS.items():
        models[name] = copy.deepcopy(model)
        for key, value in attrs.items():
            setattr(models[name], key, value)
    ious = {name: [] for name in VARIANTS}
    seconds = {name: [] for name in models}
    for _, batch in zip(range(batches), loader):
        data = model.data_preprocessor(batch, True)
        views = torch.stack(data['inputs'], 1).flatten(0, 1)  # pairs adjacent, as sampling_preview takes them
        boxes = {}
        for round_ in range(repeats + 1):  # round 0 warms up
            for name, variant in models.items():
                sync(device)
                start = time.perf_counter()
                boxes[name] = variant.sampling_preview(views)['boxes'].cpu()
                sync(device)
                if round_:
                    seconds[name].append(time.perf_counter() - start)
        for name in VARIANTS:
            ious[name].append(box_iou(boxes['float32'], boxes[name]))
    if not ious['bfloat16']:
        raise ValueError(f'{images}: the training pipeline of {config} gave no batch')
    result = dict(views=sum(len(i) for i in ious['bfloat16']))
    reference = statistics.median(seconds['float32'])
    for name in VARIANTS:
        iou = torch.cat(ious[name])
        result.update({f'{name}_boxes_equal': (iou == 1).double().mean().item(),
                       f'{name}_box_iou_mean': iou.mean().item(), f'{name}_box_iou_min': iou.min().item(),
                       f'{name}_time_over_float32': statistics.median(seconds[name]) / reference})
    return result
