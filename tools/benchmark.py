"""Cost benchmarks of GraSS: the batched sampler against the release's per-sample loop, and a training step.

    python tools/benchmark.py sampler --maps 512 --size 224 --repeats 5
    python tools/benchmark.py step --arch resnet18 --images 32 --size 224 --repeats 5

Runs alternate in one process (reference loop, batched sampler, ...; SimCLR step, GS step, GS step with
``localize_scale=0.5``, ...) after one warm-up round; medians are reported. Peak memory of a step: the rise
of the peak RSS over the RSS before the step (CPU; peak reset through ``/proc/self/clear_refs``) or of
``torch.cuda.max_memory_allocated`` over the memory allocated before it. A table, then one JSON line.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mmpretrain.registry import MODELS  # noqa: E402

from grass_mm.pretrain.models import GradientGuidedSampler  # noqa: E402  (also registers GraSS)
from tests.reference.release_sampler import release_box, release_sample  # noqa: E402

ARCHS = dict(resnet18=(18, 512), resnet50=(50, 2048))


def sync(device: torch.device) -> None:
    """Waits for queued CUDA work."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


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


def build_grass(arch: str, device: torch.device) -> torch.nn.Module:
    """The GraSS model of the issue's benchmark (ResNet, NonLinearNeck, NT-Xent at temperature 0.5)."""
    depth, channels = ARCHS[arch]
    model = MODELS.build(dict(
        type='GraSS',
        backbone=dict(type='ResNet', depth=depth, norm_cfg=dict(type='BN')),
        neck=dict(type='NonLinearNeck', in_channels=channels, hid_channels=channels, out_channels=128,
                  num_layers=2, with_avg_pool=True, norm_cfg=dict(type='BN1d')),
        head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.5),
        sampler=dict(type='GradientGuidedSampler'), localize_scale=1.0,
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], to_rgb=True)))
    return model.to(device).train()


def process_memory(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of this process, in bytes."""
    return int(re.search(rf'{field}:\s+(\d+) kB', Path('/proc/self/status').read_text()).group(1)) * 1024


def measured(step: Callable[[], None], device: torch.device) -> Dict[str, float]:
    """Seconds and peak extra memory (bytes over the memory in use before) of one call of ``step``."""
    sync(device)
    if device.type == 'cuda':
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
    else:
        Path('/proc/self/clear_refs').write_text('5')  # resets VmHWM to the current RSS
        before = process_memory('VmRSS')
    start = time.perf_counter()
    step()
    sync(device)
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated(device) if device.type == 'cuda' else process_memory('VmHWM')
    return dict(seconds=seconds, memory=peak - before)


def run_steps(arch: str, images: int, size: int, repeats: int, device: torch.device) -> Dict[str, Dict]:
    """Medians over alternating rounds (after a warm-up) of the SimCLR, GS and GS ``localize_scale=0.5``
    steps, each loss + backward + SGD step."""
    torch.manual_seed(0)
    model = build_grass(arch, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-6)
    views = [torch.randn(images, 3, size, size, device=device) for _ in range(2)]
    kinds = dict(simclr=('id', 1.0), gs=('gs', 1.0), gs_localized=('gs', 0.5))

    def step(kind: str) -> None:
        phase, model.localize_scale = kinds[kind]
        model.set_phase(phase)
        optimizer.zero_grad(set_to_none=True)
        model.loss(views, data_samples=None)['loss'].backward()
        optimizer.step()

    runs: Dict[str, List[Dict[str, float]]] = {kind: [] for kind in kinds}
    for round_ in range(repeats + 1):
        for kind in kinds:
            run = measured(lambda: step(kind), device)
            if round_ > 0:
                runs[kind].append(run)
    return {kind: {key: statistics.median(r[key] for r in runs[kind]) for key in ('seconds', 'memory')}
            for kind in kinds}


def bench_step(arch: str, images: int, size: int, repeats: int, device: torch.device) -> Dict[str, float]:
    """Step times; peak memory on the CPU from a child process where glibc maps every allocation >= 64 KiB
    on its own (``MALLOC_MMAP_THRESHOLD_``) so that the RSS follows the live tensors."""
    med = run_steps(arch, images, size, repeats, device)
    if device.type == 'cpu':
        cmd = [sys.executable, __file__, 'step-memory', '--arch', arch, '--images', str(images), '--size',
               str(size), '--repeats', str(repeats), '--threads', str(torch.get_num_threads())]
        child = subprocess.run(cmd, env=dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536'), check=True,
                               capture_output=True, text=True)
        for kind, memory in json.loads(child.stdout.strip().splitlines()[-1]).items():
            med[kind]['memory'] = memory
    mb = {kind: med[kind]['memory'] / 2 ** 20 for kind in med}
    return dict(simclr_s=med['simclr']['seconds'], gs_s=med['gs']['seconds'],
                gs_localized_s=med['gs_localized']['seconds'],
                gs_over_simclr=med['gs']['seconds'] / med['simclr']['seconds'],
                gs_localized_over_simclr=med['gs_localized']['seconds'] / med['simclr']['seconds'],
                simclr_peak_mem_mb=mb['simclr'], gs_peak_mem_mb=mb['gs'], gs_localized_peak_mem_mb=mb['gs_localized'],
                gs_peak_mem_over_simclr=mb['gs'] / mb['simclr'])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('sampler', 'step', 'step-memory'):
        cmd = sub.add_parser(name)
        cmd.add_argument('--size', type=int, default=224, help='view side in pixels')
        cmd.add_argument('--repeats', type=int, default=5, help='timed alternating rounds (after one warm-up)')
        cmd.add_argument('--maps', type=int, default=512, help='maps for the sampler comparison')
        cmd.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
        cmd.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch default)')
    for name in ('step', 'step-memory'):
        sub.choices[name].add_argument('--arch', choices=sorted(ARCHS), default='resnet18')
        sub.choices[name].add_argument('--images', type=int, default=32, help='images per step (two views each)')
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    if args.repeats < 1:
        parser.error(f'--repeats must be >= 1, got {args.repeats}')
    if args.command == 'step-memory':  # internal: the child process of bench_step on the CPU
        med = run_steps(args.arch, args.images, args.size, args.repeats, device)
        print(json.dumps({kind: values['memory'] for kind, values in med.items()}))
        return
    result = {}
    if args.command == 'step':
        result.update(bench_step(args.arch, args.images, args.size, args.repeats, device))
    result.update(bench_sampler(args.maps, args.size, args.repeats, device))
    result.update(device=str(device), torch_threads=torch.get_num_threads(), repeats=args.repeats)
    for key, value in dict(measure='value', **result).items():
        print(f'{key:<28}{value:>14.4g}' if isinstance(value, float) else f'{key:<28}{value!s:>14}')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
