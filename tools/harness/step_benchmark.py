"""Training-step cost of GraSS against SimCLR: time and peak memory, alternating in one process."""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import torch
from mmpretrain.registry import MODELS

import grass_mm.pretrain.models  # noqa: F401  (registers GraSS)
from tools.harness.timing import measured

ARCHS = dict(resnet18=(18, 512), resnet50=(50, 2048))
REPO = Path(__file__).resolve().parents[2]


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
        cmd = [sys.executable, '-m', 'tools.benchmark', 'step-memory', '--arch', arch, '--images', str(images),
               '--size', str(size), '--repeats', str(repeats), '--threads', str(torch.get_num_threads())]
        child = subprocess.run(cmd, cwd=REPO, env=dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536'), check=True,
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
