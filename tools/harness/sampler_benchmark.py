"""The batched gradient guided sampler against the release's per-sample loop, measured where it runs.

Where it runs is a training process: the figures that count (``reference_s``, ``batched_s``,
``sampler_speedup``, ...) are measured while the process holds a GraSS model and its SGD optimiser after an
ID and two GS training steps (:func:`training_process`). The same rounds in the fresh process, before the
model is built, are reported with a ``fresh_`` prefix for comparison.
"""
import os
import statistics
import time
from contextlib import contextmanager
from functools import partial
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import torch

from grass_mm.pretrain.models import GradientGuidedSampler
from grass_mm.pretrain.models.gradient_guided_sampler import CPU_CHUNK_PIXELS
from grass_mm.pretrain.models.utils.view_crops import host_nearest_crop, nearest_index, tensor_crop
from tools.harness.release_sampler import release_box, release_sample
from tools.harness.step_benchmark import build_model
from tools.harness.timing import minor_faults, sync

TRAINING_PHASES = ('id', 'gs', 'gs')


def random_maps(n: int, size: int = 7, seed: int = 0) -> torch.Tensor:
    """(n, size, size) Gaussian noise maps: once upsampled, the random smooth maps of the method spec."""
    return torch.randn(n, size, size, generator=torch.Generator().manual_seed(seed))


@contextmanager
def training_process(arch: str, images: int, size: int, device: torch.device) -> Iterator[str]:
    """Holds a GraSS model and its SGD optimiser after one training step per phase of ``TRAINING_PHASES``.

    Args:
        arch (str): Backbone, a key of ``step_benchmark.ARCHS``.
        images (int): Images per step (two views each).
        size (int): View side in pixels.
        device (torch.device): Where the model trains.

    Yields:
        str: A description of the state, for the report.
    """
    torch.manual_seed(0)
    model = build_model('simclr', arch, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-6)
    views = [torch.randn(images, 3, size, size, device=device) for _ in range(2)]
    for phase in TRAINING_PHASES:
        model.set_phase(phase)
        optimizer.zero_grad(set_to_none=True)
        model.loss(views, data_samples=None)['loss'].backward()
        optimizer.step()
    yield f'{arch} GraSS + SGD held after steps {"/".join(TRAINING_PHASES)} of {images} images at {size}'


def alternating_medians(runs: Dict[str, Callable[[], None]], repeats: int, device: torch.device,
                        prepare: Callable[[], None] = lambda: None) -> Tuple[Dict[str, float], Dict[str, float]]:
    """Median seconds and minor page faults of every run over ``repeats`` alternating rounds, after a warm-up.

    Args:
        runs (dict): Name -> call to time.
        repeats (int): Timed rounds.
        device (torch.device): Synchronised before and after every call.
        prepare (Callable): Called, untimed, before every call. Defaults to nothing.

    Returns:
        tuple[dict]: Name -> median seconds, and name -> median minor page faults (fresh pages touched).
    """
    seconds: Dict[str, List[float]] = {name: [] for name in runs}
    faults: Dict[str, List[int]] = {name: [] for name in runs}
    for round_ in range(repeats + 1):
        for name, run in runs.items():
            prepare()
            sync(device)
            faults_before, start = minor_faults(), time.perf_counter()
            run()
            sync(device)
            if round_ > 0:
                seconds[name].append(time.perf_counter() - start)
                faults[name].append(minor_faults() - faults_before)
    return ({name: statistics.median(values) for name, values in seconds.items()},
            {name: statistics.median(values) for name, values in faults.items()})


def bench_sampler(maps: int, size: int, repeats: int, device: torch.device, arch: str = 'resnet18',
                  images: int = 32, backends: Optional[Sequence[str]] = None) -> Dict:
    """Batched locate + crop against the release's per-sample loop on the same maps and views.

    Both write the crops into the batch in place, as the release did (``batched_new_s``: into a new tensor,
    as ``forward`` does). ``box_agreement``: identical boxes on all maps; ``box_agreement_peak``: on the
    maps where the release's component holds the peak. ``*_minor_faults``: fresh pages a batched call touches.
    On the CPU, ``crop_numpy_s`` (the sampler's CPU crop)
    and ``crop_torch_gather_s`` (torch's gathers in chunks of ``CPU_CHUNK_PIXELS``, the accelerator path) crop
    the same boxes in the training process.

    Args:
        maps (int): Maps (and views) per call.
        size (int): Map and view side in pixels.
        repeats (int): Timed alternating rounds.
        device (torch.device): Where the batched sampler runs (the reference runs on the CPU).
        arch (str): Backbone of the training process. Defaults to 'resnet18'.
        images (int): Images per training step. Defaults to 32.
        backends (Sequence[str], optional): Also time ``locate`` alone with these labelling backends (all
            when empty), both region rules (``locate_<backend>_<rule>_s``), in the training process. Defaults
            to None (no such timing).

    Returns:
        dict: Medians, ratios, agreement, the state and the 1-minute load average before and after.
    """
    cams = random_maps(maps)
    views = torch.randn(maps, 3, size, size, generator=torch.Generator().manual_seed(1))
    work, dev_cams, dev_views = torch.empty_like(views), cams.to(device), views.to(device)
    dev_work, sampler, found = torch.empty_like(dev_views), GradientGuidedSampler(), {}

    def batched(out: torch.Tensor = None) -> None:
        found['boxes'] = sampler.locate(dev_cams, (size, size), (size, size))[0]
        sampler.crop(dev_work, found['boxes'], out=out)

    def restore() -> None:
        work.copy_(views)
        dev_work.copy_(dev_views)

    runs = dict(reference=lambda: found.update(results=release_sample(work, cams)), batched=lambda: batched(dev_work),
                batched_new=batched)
    crops = {}
    if device.type == 'cpu':  # the CPU's NumPy crop against torch's gathers (the accelerator path) on the same boxes
        boxes = sampler.locate(cams, (size, size), (size, size))[0]
        rows, cols = (nearest_index(boxes[:, i], boxes[:, i + 1] - boxes[:, i], size)[0] for i in (0, 2))
        crops = dict(crop_numpy=partial(host_nearest_crop, work, rows, cols, work),
                     crop_torch_gather=partial(tensor_crop, work, (rows, ), (cols, ), work,
                                               max(1, CPU_CHUNK_PIXELS // size ** 2)))
    result = dict(load_avg_before=os.getloadavg()[0])
    fresh, fresh_faults = alternating_medians(runs, repeats, device, restore)
    with training_process(arch, images, size, device) as state:
        med, med_faults = alternating_medians(dict(runs, **crops), repeats, device, restore)
        result.update({f'{name}_s': med[name] for name in crops})
        if backends is not None:
            located = {f'locate_{backend}_{rule}_s': partial(GradientGuidedSampler(backend=backend, region_rule=rule)
                                                             .locate, dev_cams, (size, size), (size, size))
                       for backend in backends or GradientGuidedSampler.BACKENDS[1:]
                       for rule in GradientGuidedSampler.REGION_RULES}
            result.update(alternating_medians(located, repeats, device)[0])
    same = (found['boxes'].cpu() == torch.tensor([r['box'] for r in found['results']])).all(1)
    held = torch.tensor([release_box(cam.numpy(), (size, size))['holds_peak'] for cam in cams])
    return dict(sampler_state=state, reference_s=med['reference'], batched_s=med['batched'],
                batched_new_s=med['batched_new'], sampler_speedup=med['reference'] / med['batched'],
                batched_minor_faults=med_faults['batched'], fresh_reference_s=fresh['reference'],
                fresh_batched_s=fresh['batched'], fresh_sampler_speedup=fresh['reference'] / fresh['batched'],
                fresh_batched_minor_faults=fresh_faults['batched'], **result,
                box_agreement=same.float().mean().item(), box_agreement_peak=same[held].float().mean().item(),
                peak_held_frac=held.float().mean().item(), load_avg_after=os.getloadavg()[0])
