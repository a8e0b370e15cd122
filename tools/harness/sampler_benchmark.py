"""The batched gradient guided sampler against the release's per-sample loop, on the same maps and views."""
import statistics
import time
from typing import Dict, List

import torch

from grass_mm.pretrain.models import GradientGuidedSampler
from tools.harness.release_sampler import release_box, release_sample
from tools.harness.timing import sync


def random_maps(n: int, size: int = 7, seed: int = 0) -> torch.Tensor:
    """(n, size, size) Gaussian noise maps: once upsampled, the random smooth maps of the method spec."""
    return torch.randn(n, size, size, generator=torch.Generator().manual_seed(seed))


def bench_sampler(maps: int, size: int, repeats: int, device: torch.device) -> Dict[str, float]:
    """Batched locate + crop against the release's per-sample loop on the same maps and views.

    Both write the crops into the batch in place, as the release did (``batched_new_s``: into a new tensor,
    as ``forward`` does). ``box_agreement``: identical boxes on all maps; ``box_agreement_peak``: on the
    maps where the release's component holds the peak.
    """
    cams = random_maps(maps)
    views = torch.randn(maps, 3, size, size, generator=torch.Generator().manual_seed(1))
    work, dev_cams, dev_views = torch.empty_like(views), cams.to(device), views.to(device)
    dev_work, sampler = torch.empty_like(dev_views), GradientGuidedSampler()

    def batched(out: torch.Tensor = None) -> torch.Tensor:
        boxes, _ = sampler.locate(dev_cams, (size, size), (size, size))
        sampler.crop(dev_work, boxes, out=out)
        return boxes

    times: Dict[str, List[float]] = dict(reference=[], batched=[], batched_new=[])
    for _ in range(repeats + 1):
        work.copy_(views)
        start = time.perf_counter()
        results = release_sample(work, cams)
        times['reference'].append(time.perf_counter() - start)
        for key, out in (('batched', dev_work), ('batched_new', None)):
            dev_work.copy_(dev_views)
            sync(device)
            start = time.perf_counter()
            boxes = batched(out)
            sync(device)
            times[key].append(time.perf_counter() - start)
    same = (boxes.cpu() == torch.tensor([r['box'] for r in results])).all(1)
    held = torch.tensor([release_box(cam.numpy(), (size, size))['holds_peak'] for cam in cams])
    med = {key: statistics.median(values[1:]) for key, values in times.items()}
    return dict(reference_s=med['reference'], batched_s=med['batched'], batched_new_s=med['batched_new'],
                sampler_speedup=med['reference'] / med['batched'], box_agreement=same.float().mean().item(),
                box_agreement_peak=same[held].float().mean().item(), peak_held_frac=held.float().mean().item())
