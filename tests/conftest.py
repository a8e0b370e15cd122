"""Shared pytest options, fixtures and factories of grass_mm's tests (test modules never import each other)."""
import copy
import json
import os
import socket
import uuid
from pathlib import Path
from typing import Callable, List

import cv2
import numpy as np
import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUBAI = REPO_ROOT.parent / 'shared' / 'data' / 'dubai_aerial'
GRASS_CPU = REPO_ROOT / 'configs' / 'grass' / 'grass_resnet18_cpu_rsi-folder.py'
SIMCLR_CPU = REPO_ROOT / 'configs' / 'simclr' / 'simclr_resnet18_cpu_rsi-folder.py'
MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]

if os.environ.get('PYTEST_XDIST_WORKER'):  # `make test` runs one worker per core: one thread each, no oversubscription
    os.environ['OMP_NUM_THREADS'] = os.environ['MKL_NUM_THREADS'] = '1'  # and the processes the tests start
    torch.set_num_threads(1)
    cv2.setNumThreads(1)


def pytest_addoption(parser):
    parser.addoption(
        '--dubai-root',
        default=os.environ.get('GRASS_MM_DUBAI', str(DEFAULT_DUBAI)),
        help='folder of the real Dubai aerial imagery (images/, masks/, splits/, meta.json); '
        'tests that need it skip when it is absent')


@pytest.fixture(scope='session')
def dubai_root(request) -> Path:
    """The real Dubai aerial imagery, read-only; skips the test when it is absent."""
    root = Path(request.config.getoption('--dubai-root'))
    if not (root / 'images').is_dir():
        pytest.skip(f'real imagery not found at {root} (set --dubai-root or GRASS_MM_DUBAI)')
    return root


@pytest.fixture(scope='session')
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope='session')
def grass_cpu_config() -> Path:
    """The CPU-size GraSS pretraining config."""
    return GRASS_CPU


@pytest.fixture(scope='session')
def simclr_cpu_config() -> Path:
    """The CPU-size SimCLR baseline config."""
    return SIMCLR_CPU


@pytest.fixture(scope='session')
def grass_cfg() -> Callable[..., dict]:
    """Factory of a tiny GraSS model config (ResNet-18, small neck); keyword arguments replace keys."""

    def make(**kwargs) -> dict:
        cfg = dict(
            type='GraSS',
            backbone=dict(type='ResNet', depth=18, norm_cfg=dict(type='BN')),
            neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=64, out_channels=32, num_layers=2,
                      with_avg_pool=True, norm_cfg=dict(type='BN1d')),
            head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.5),
            sampler=dict(type='GradientGuidedSampler'),
            data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=MEAN, std=STD, to_rgb=True))
        cfg.update(kwargs)
        return cfg

    return make


def _mlp(in_channels: int, hid_channels: int, out_channels: int, **kwargs) -> dict:
    return dict(type='NonLinearNeck', in_channels=in_channels, hid_channels=hid_channels, out_channels=out_channels,
                norm_cfg=dict(type='BN1d'), **kwargs)


# The algorithm-specific parts of tiny versions of mmpretrain's MoCo v2, BYOL, SimSiam and Barlow Twins configs.
PLUGIN_PARTS = dict(
    mocov2=dict(type='GraSSMoCo', queue_len=64, feat_dim=32, momentum=0.001,
                neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=64, out_channels=32, with_avg_pool=True),
                head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2)),
    byol=dict(type='GraSSBYOL', base_momentum=0.01,
              neck=_mlp(512, 64, 32, num_layers=2, with_bias=True, with_last_bn=False, with_avg_pool=True),
              head=dict(type='LatentPredictHead', loss=dict(type='CosineSimilarityLoss'),
                        predictor=_mlp(32, 64, 32, num_layers=2, with_bias=True, with_last_bn=False,
                                       with_avg_pool=False))),
    simsiam=dict(type='GraSSSimSiam',
                 neck=_mlp(512, 64, 32, num_layers=3, with_last_bn_affine=False, with_avg_pool=True),
                 head=dict(type='LatentPredictHead', loss=dict(type='CosineSimilarityLoss'),
                           predictor=_mlp(32, 16, 32, with_avg_pool=False, with_last_bn=False, with_last_bias=True))),
    barlowtwins=dict(type='GraSSBarlowTwins',
                     neck=_mlp(512, 64, 32, num_layers=3, with_last_bn=False, with_last_bn_affine=False,
                               with_avg_pool=True),
                     head=dict(type='LatentCrossCorrelationHead', in_channels=32,
                               loss=dict(type='CrossCorrelationLoss'))),
)


@pytest.fixture(scope='session')
def plugin_cfg() -> Callable[..., dict]:
    """Factory of a tiny gradient guided sampling plug-in model config on a base method (ResNet-18, small
    necks): ``plugin_cfg(base, **kwargs)`` with base ``'mocov2'``, ``'byol'``, ``'simsiam'`` or
    ``'barlowtwins'``; keyword arguments replace keys."""

    def make(base: str, **kwargs) -> dict:
        cfg = copy.deepcopy(PLUGIN_PARTS[base])
        cfg.update(
            backbone=dict(type='ResNet', depth=18, norm_cfg=dict(type='BN')),
            sampler=dict(type='GradientGuidedSampler'),
            data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=MEAN, std=STD, to_rgb=True))
        cfg.update(kwargs)
        return cfg

    return make


@pytest.fixture(scope='session')
def make_views() -> Callable[..., List[torch.Tensor]]:
    """Factory of two seeded batches of random views, ``make_views(n=4, size=64, seed=0)``."""

    def make(n: int = 4, size: int = 64, seed: int = 0) -> List[torch.Tensor]:
        gen = torch.Generator().manual_seed(seed)
        return [torch.randn(n, 3, size, size, generator=gen) for _ in range(2)]

    return make


@pytest.fixture
def tiny_folder(tmp_path) -> Path:
    """Six 128 x 160 RGB images with structure (gradients and squares), in two sub-folders."""
    rng = np.random.default_rng(0)
    for i in range(6):
        img = np.zeros((128, 160, 3), np.uint8)
        img[...] = np.linspace(0, 255, 160, dtype=np.uint8)[None, :, None]
        r, c = rng.integers(0, 90, size=2)
        img[r:r + 30, c:c + 40] = rng.integers(0, 255, size=3)
        sub = tmp_path / 'tiles' / f'part{i % 2}'
        sub.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(sub / f'img{i}.png'), img)
    return tmp_path / 'tiles'


@pytest.fixture(scope='session')
def small_options() -> Callable[..., list]:
    """Factory of ``--cfg-options`` that shrink the CPU config further: 4 images, 48 px views, no workers.

    ``small_options(data_root, max_iters, warmup=2)``; ``warmup=None`` leaves the config's hooks alone.
    """

    def make(data_root, max_iters: int, warmup: int = 2) -> list:
        hook = [f'custom_hooks.0.warmup_iters={warmup}'] if warmup is not None else []
        return hook + [
            f'train_dataloader.dataset.data_root={data_root}', 'train_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'train_dataloader.dataset.pipeline.0.window_size=96',
            'train_dataloader.dataset.pipeline.1.transforms.0.0.scale=48', f'train_cfg.max_iters={max_iters}',
            'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1',
            'randomness.deterministic=True'
        ]

    return make


@pytest.fixture(scope='session')
def tiny_model_options() -> List[str]:
    """``--cfg-options`` that shrink the CPU GraSS config's network to 8 base channels (a cheap Runner step)."""
    return ['model.backbone.stem_channels=8', 'model.backbone.base_channels=8', 'model.neck.in_channels=64',
            'model.neck.hid_channels=16', 'model.neck.out_channels=16']


@pytest.fixture(scope='session')
def free_port() -> Callable[[], int]:
    """Factory of a free local TCP port (for a process group's master)."""

    def find() -> int:
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            return sock.getsockname()[1]

    return find


@pytest.fixture(scope='session')
def run_train() -> Callable[..., None]:
    """Runs ``tools/train.py`` in this process: ``run_train(config, work_dir, options, resume=None, extra=())``;
    ``extra`` are more flags, e.g. ``['--auto-scale-lr']``.

    Each run gets its own experiment name: mmengine keys its logger and visualizer by config name and start
    second, so two runs of one config started in the same second would share the first one's log folder.
    """
    from tools import train

    def run(config, work_dir, options, resume=None, extra=()) -> None:
        argv = [str(config), '--work-dir', str(work_dir), *extra, '--cfg-options', *options,
                f'experiment_name=test_{uuid.uuid4().hex}']
        if resume is not None:
            argv[1:1] = ['--resume'] if resume == 'auto' else ['--resume', str(resume)]
        train.main(argv)

    return run


@pytest.fixture(scope='session')
def read_scalars() -> Callable[[Path], list]:
    """Reads every logged scalar row of a work dir (``*/vis_data/scalars.json``)."""

    def read(work_dir: Path) -> list:
        logs = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
        return [json.loads(line) for path in logs for line in path.read_text().splitlines()]

    return read


@pytest.fixture(scope='session')
def write_raster() -> Callable[..., Path]:
    """Factory writing a raster with rasterio: ``write_raster(path, data, driver='GTiff', **creation_options)``.

    ``data`` is ``(height, width, bands)`` (or ``(height, width)``); keyword arguments are rasterio profile
    keys and GDAL creation options (``tiled``, ``blockxsize``, ``compress``, ``photometric``, ``nodata``,
    ``BIGTIFF``, ...). Drivers that only copy (COG, JP2OpenJPEG) are written from an in-memory GeoTIFF.
    Missing parent folders are created.
    """
    import warnings

    import rasterio
    import rasterio.shutil
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    def write(path, data: np.ndarray, driver: str = 'GTiff', **options) -> Path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        data = data[..., None] if data.ndim == 2 else data
        profile = dict(driver='GTiff', height=data.shape[0], width=data.shape[1], count=data.shape[2],
                       dtype=data.dtype.name)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', NotGeoreferencedWarning)
            if driver in ('COG', 'JP2OpenJPEG'):
                with MemoryFile() as memory:
                    with memory.open(**profile) as dataset:
                        dataset.write(np.moveaxis(data, 2, 0))
                    with memory.open() as dataset:
                        rasterio.shutil.copy(dataset, str(path), driver=driver, **options)
            else:
                with rasterio.open(path, 'w', **dict(profile, driver=driver, **options)) as dataset:
                    dataset.write(np.moveaxis(data, 2, 0))
        return Path(path)

    return write
