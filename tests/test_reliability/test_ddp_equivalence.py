"""DDP equivalence: 2 gloo processes x batch B train exactly like 1 process x batch 2B, in both phases.

Normalisation: torch's ``SyncBatchNorm`` only runs on accelerators, and plain BN normalises each process's
batch with its own statistics (by design, so DDP with BN is *not* one big batch). For an exact comparison
the model here uses GroupNorm in the backbone and the neck: a sample's normalisation then does not depend
on how the batch is split, so any difference left comes from the gathering of negatives, the guide
gradients or the gradient convention of :class:`AllGatherWithGrad` (which must make DDP's gradient average
equal the single-process gradient of the global batch).
"""
import os
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS

import grass_mm.pretrain.hooks  # noqa: F401
import grass_mm.pretrain.models  # noqa: F401

WORLD = 2
PER_RANK = 2  # images per process; the single process gets WORLD * PER_RANK
SIZE = 64  # ResNet-18's last map is 2 x 2: Grad-CAM maps with real structure
PHASES = ('id', 'gs')


def gn_grass_cfg(grass_cfg) -> dict:
    """The tiny GraSS of ``grass_cfg`` with normalisation independent of the batch split (GroupNorm)."""
    gn = dict(type='GN', num_groups=8)
    cfg = grass_cfg()
    cfg['backbone']['norm_cfg'] = gn
    cfg['neck']['norm_cfg'] = gn
    return cfg


def global_batch() -> list:
    """Two uint8 view batches of WORLD * PER_RANK images, with smooth structure so Grad-CAM boxes vary."""
    gen = torch.Generator().manual_seed(3)
    low = torch.randint(0, 256, (2, WORLD * PER_RANK, 3, 4, 4), generator=gen).float()
    views = torch.nn.functional.interpolate(low.flatten(0, 1), size=(SIZE, SIZE), mode='bilinear')
    return list(views.round().to(torch.uint8).view(2, WORLD * PER_RANK, 3, SIZE, SIZE))


def one_step(model, wrapped, inputs: list, phase: str, init: dict) -> dict:
    """Loads ``init``, runs one real ``train_step`` (SGD without momentum) and returns what it produced."""
    model.load_state_dict(init)
    model.set_phase(phase)
    crops = []
    handle = model.sampler.register_forward_hook(lambda mod, args, out: crops.append(out[0].detach()))
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5, momentum=0))
    log_vars = wrapped.train_step(dict(inputs=inputs, data_samples=None), optim)
    handle.remove()
    return dict(log_vars={k: v.item() for k, v in log_vars.items()},
                params={k: v.detach().clone() for k, v in model.named_parameters()},
                crops=crops[0] if crops else None)


def ddp_worker(rank: int, port: int, model_cfg: dict, init: dict, out_path: str) -> None:
    """One of WORLD gloo processes: MMDistributedDataParallel without device ids, its share of the batch."""
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group('gloo', rank=rank, world_size=WORLD)
    try:
        model = MODELS.build(model_cfg)
        wrapped = MMDistributedDataParallel(module=model, device_ids=None, broadcast_buffers=False)
        share = slice(rank * PER_RANK, (rank + 1) * PER_RANK)
        inputs = [v[share] for v in global_batch()]
        torch.save({phase: one_step(model, wrapped, inputs, phase, init) for phase in PHASES},
                   f'{out_path}.rank{rank}')
    finally:
        dist.destroy_process_group()


@pytest.fixture(scope='module')
def runs(tmp_path_factory, grass_cfg, free_port) -> tuple:
    """The single-process reference and the WORLD-process DDP results, from the same initial weights."""
    torch.manual_seed(0)
    model_cfg = gn_grass_cfg(grass_cfg)
    model = MODELS.build(model_cfg)
    model.init_weights()
    init = {k: v.clone() for k, v in model.state_dict().items()}
    out = str(tmp_path_factory.mktemp('ddp') / 'result')
    mp.spawn(ddp_worker, args=(free_port(), model_cfg, init, out), nprocs=WORLD, join=True)
    ddp = [torch.load(f'{out}.rank{r}', weights_only=False) for r in range(WORLD)]
    single = {phase: one_step(model, model, global_batch(), phase, init) for phase in PHASES}
    return init, single, ddp


@pytest.mark.parametrize('phase', PHASES)
def test_ddp_step_equals_single_process_global_batch(runs, phase):
    init, single, ddp = runs
    ref = single[phase]
    assert ref['log_vars']['gs_phase'] == float(phase == 'gs')
    for rank in range(WORLD):
        got = ddp[rank][phase]
        # negatives from the whole global batch: every rank reports the global batch's loss
        assert got['log_vars']['loss'] == pytest.approx(ref['log_vars']['loss'], rel=1e-5)
        # DDP's average of the ranks' gradients equals the single process's gradient (one SGD step)
        for name, value in ref['params'].items():
            step, ref_step = got['params'][name] - init[name], value - init[name]
            torch.testing.assert_close(step, ref_step, rtol=1e-3, atol=1e-3 * ref_step.abs().max().item() + 1e-9,
                                       msg=lambda m: f'{phase}: rank {rank} {name}: {m}')
    moved = [n for n, v in ref['params'].items() if not torch.equal(v, init[n])]
    assert any(n.startswith('backbone.') for n in moved) and any(n.startswith('neck.') for n in moved)
    if phase == 'gs':
        # guide gradients are computed locally yet equal the global ones: each rank crops its views
        # exactly as the single process does, and the boxes are not all whole views
        crops = torch.cat([ddp[r]['gs']['crops'] for r in range(WORLD)])
        torch.testing.assert_close(crops, ref['crops'], rtol=1e-4, atol=1e-4)
        assert ref['log_vars']['box_area_frac'] < 1
        mean_area = sum(ddp[r]['gs']['log_vars']['box_area_frac'] for r in range(WORLD)) / WORLD
        assert mean_area == pytest.approx(ref['log_vars']['box_area_frac'], rel=1e-5)


def test_torchrun_two_cpu_processes_train_and_checkpoint(tiny_folder, tmp_path, repo_root, grass_cpu_config,
                                                         small_options, free_port):
    """``tools/train.py --launcher pytorch`` under torchrun with 2 gloo processes on the CPU."""
    work = tmp_path / 'work'
    options = small_options(tiny_folder, max_iters=3, warmup=1)
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', str(WORLD),
           '--master_port', str(free_port()), str(repo_root / 'tools' / 'train.py'), str(grass_cpu_config),
           '--launcher', 'pytorch', '--work-dir', str(work), '--cfg-options', *options,
           'train_dataloader.batch_size=2']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(repo_root))
    proc = subprocess.run(cmd, cwd=repo_root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (work / 'iter_2.pth').is_file() and (work / 'iter_3.pth').is_file()
    assert (work / 'last_checkpoint').read_text().strip().endswith('iter_3.pth')
    saved = torch.load(work / 'iter_3.pth', weights_only=True)
    assert saved['meta']['iter'] == 3
    assert not any(k.startswith('module.') for k in saved['state_dict'])
