"""Training-step cost of gradient guided sampling against its base method (SimCLR, MoCo v2, BYOL): time and
peak memory, alternating in one process."""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import torch
from mmengine.logging import MessageHub
from mmpretrain.registry import MODELS

import grass_mm.pretrain.models  # noqa: F401  (registers GraSS and its plug-in models)
from tools.harness.timing import measured

ARCHS = dict(resnet18=(18, 512), resnet50=(50, 2048))
REPO = Path(__file__).resolve().parents[2]
BASES = ('simclr', 'mocov2', 'byol')


def build_model(base: str, arch: str, device: torch.device) -> torch.nn.Module:
    """The GraSS model of the benchmark on ``base`` (mmpretrain's ResNet, BN), in train mode.

    Args:
        base (str): ``'simclr'`` (``GraSS``: NonLinearNeck, NT-Xent at temperature 0.5), ``'mocov2'``
            (``GraSSMoCo``: MoCoV2Neck, queue 65536, temperature 0.2) or ``'byol'`` (``GraSSBYOL``: 4096-256
            projection and predictor, as mmpretrain's configs).
        arch (str): A key of ``ARCHS``.
        device (torch.device): Where the model goes.

    Returns:
        torch.nn.Module: The model.
    """
    depth, channels = ARCHS[arch]
    if base == 'simclr':
        parts = dict(type='GraSS',
                     neck=dict(type='NonLinearNeck', in_channels=channels, hid_channels=channels, out_channels=128,
                               num_layers=2, with_avg_pool=True, norm_cfg=dict(type='BN1d')),
                     head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.5))
    elif base == 'mocov2':
        parts = dict(type='GraSSMoCo', queue_len=65536, feat_dim=128, momentum=0.001,
                     neck=dict(type='MoCoV2Neck', in_channels=channels, hid_channels=channels, out_channels=128,
                               with_avg_pool=True),
                     head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2))
    else:
        mlp = dict(type='NonLinearNeck', hid_channels=4096, out_channels=256, num_layers=2, with_bias=True,
                   with_last_bn=False, norm_cfg=dict(type='BN1d'))
        parts = dict(type='GraSSBYOL', base_momentum=0.01, neck=dict(mlp, in_channels=channels, with_avg_pool=True),
                     head=dict(type='LatentPredictHead', loss=dict(type='CosineSimilarityLoss'),
                               predictor=dict(mlp, in_channels=256, with_avg_pool=False)))
        MessageHub.get_current_instance().update_info('max_iters', 1000)  # read by BYOL's cosine EMA
    model = MODELS.build(dict(
        backbone=dict(type='ResNet', depth=depth, norm_cfg=dict(type='BN')),
        sampler=dict(type='GradientGuidedSampler'), localize_scale=1.0,
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], to_rgb=True),
        **parts))
    return model.to(device).train()


def low_precision(device: torch.device) -> str:
    """The guide pass's low-precision dtype benchmarked on ``device``: float16 on CUDA (the closer maps, see
    ``tools/benchmark.py guide-fidelity``), bfloat16 on the CPU (the one with fast kernels there, AMX)."""
    return 'float16' if device.type == 'cuda' else 'bfloat16'


def step_kinds(base: str, device: torch.device) -> Dict[str, Dict]:
    """The steps compared, each as the model attributes it sets: the base method (ID phase), GS, GS with
    ``localize_scale=0.5``, GS with the guide pass in :func:`low_precision` and, for bases with a momentum
    branch, GS with ``guide_target='momentum'``."""
    common = dict(localize_scale=1.0, guide_dtype=None)
    if base != 'simclr':
        common['guide_target'] = 'online'
    dtype = low_precision(device)
    kinds = {base: dict(common, phase='id'), 'gs': dict(common, phase='gs'),
             'gs_localized': dict(common, phase='gs', localize_scale=0.5),
             f'gs_{dtype}': dict(common, phase='gs', guide_dtype=dtype)}
    if base != 'simclr':
        kinds['gs_momentum'] = dict(common, phase='gs', guide_target='momentum')
    return kinds


def run_steps(base: str, arch: str, images: int, size: int, repeats: int,
              device: torch.device) -> Dict[str, Dict]:
    """Medians over alternating rounds (after a warm-up) of the steps of :func:`step_kinds`, each loss +
    backward + SGD step (the base's own state updates included: momentum encoder, queue)."""
    torch.manual_seed(0)
    model = build_model(base, arch, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-6)
    views = [torch.randn(images, 3, size, size, device=device) for _ in range(2)]
    kinds = step_kinds(base, device)

    def step(kind: str) -> None:
        settings = dict(kinds[kind])
        model.set_phase(settings.pop('phase'))
        for name, value in settings.items():
            setattr(model, name, value)
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


def bench_step(base: str, arch: str, images: int, size: int, repeats: int,
               device: torch.device) -> Dict[str, float]:
    """Step times and ratios to the base step; peak memory on the CPU from a child process where glibc maps
    every allocation >= 64 KiB on its own (``MALLOC_MMAP_THRESHOLD_``) so that the RSS follows the live
    tensors."""
    med = run_steps(base, arch, images, size, repeats, device)
    if device.type == 'cpu':
        cmd = [sys.executable, '-m', 'tools.benchmark', 'step-memory', '--base', base, '--arch', arch,
               '--images', str(images), '--size', str(size), '--repeats', str(repeats),
               '--threads', str(torch.get_num_threads())]
        child = subprocess.run(cmd, cwd=REPO, env=dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536'), check=True,
                               capture_output=True, text=True)
        for kind, memory in json.loads(child.stdout.strip().splitlines()[-1]).items():
            med[kind]['memory'] = memory
    result = {f'{kind}_s': med[kind]['seconds'] for kind in med}
    result.update({f'{kind}_over_{base}': med[kind]['seconds'] / med[base]['seconds'] for kind in med if kind != base})
    result.update({f'{kind}_peak_mem_mb': med[kind]['memory'] / 2 ** 20 for kind in med})
    result.update({f'{kind}_peak_mem_over_{base}': med[kind]['memory'] / med[base]['memory']
                   for kind in med if kind != base})
    return result
