"""Faults with a real Runner: NaN/inf loss or parameters, degenerate Grad-CAM maps, a corrupt image."""
import uuid
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from mmengine.runner import Runner
from mmpretrain.structures import DataSample
from torch.utils.data import Dataset

import grass_mm.pretrain.hooks  # noqa: F401
import grass_mm.pretrain.models  # noqa: F401


class SmoothViews(Dataset):
    """Float two-view samples with smooth structure; chosen samples get one NaN pixel."""
    METAINFO = dict()

    def __init__(self, num: int = 12, size: int = 64, nan_at: tuple = ()) -> None:
        gen = torch.Generator().manual_seed(1)
        low = torch.rand(num * 2, 3, 4, 4, generator=gen) * 255
        self.views = F.interpolate(low, size=(size, size), mode='bilinear').view(num, 2, 3, size, size)
        for idx in nan_at:
            self.views[idx, :, :, 0, 0] = float('nan')

    @property
    def metainfo(self) -> dict:
        return self.METAINFO

    def __len__(self) -> int:
        return len(self.views)

    def __getitem__(self, idx: int) -> dict:
        return dict(inputs=[self.views[idx, 0], self.views[idx, 1]], data_samples=DataSample())


@pytest.fixture
def make_runner(grass_cfg):
    """Factory of a GraSS runner over ``dataset`` in order (batch 4), checkpoints every 2 iterations,
    atomically: ``make_runner(work_dir, dataset, warmup_iters=2, max_iters=4, lr=0.05)``."""
    return lambda *args, **kwargs: _make_runner(grass_cfg(), *args, **kwargs)


def _make_runner(model: dict, work_dir: Path, dataset: Dataset, warmup_iters: int = 2, max_iters: int = 4,
                 lr: float = 0.05) -> Runner:
    return Runner(
        model=model,
        work_dir=str(work_dir),
        experiment_name=f'faults_{uuid.uuid4().hex}',
        train_dataloader=dict(dataset=dataset, sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate'), batch_size=4, num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=lr, momentum=0.9)),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        custom_hooks=[dict(type='GraSSHook', warmup_iters=warmup_iters)],
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False,
                            backend_args=dict(backend='atomic_local')),
            logger=dict(type='LoggerHook', interval=1),
            nonfinite=dict(type='NonFiniteLossHook')),
        randomness=dict(seed=0, deterministic=True),
        default_scope='mmpretrain',
        log_level='WARNING')


def test_nan_loss_stops_naming_iteration_and_keeps_last_good_checkpoint(tmp_path, make_runner, read_scalars):
    # samples 8..11 form iteration 3 (in the GS phase); one of them holds a NaN pixel
    runner = make_runner(tmp_path, SmoothViews(nan_at=(9, )))
    with pytest.raises(FloatingPointError, match=r'non-finite loss \(loss=nan.*at iteration 3 .*iter_2\.pth'):
        runner.train()
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_2.pth']
    assert (tmp_path / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')
    saved = torch.load(tmp_path / 'iter_2.pth', weights_only=True)
    assert all(torch.isfinite(v).all() for v in saved['state_dict'].values() if v.is_floating_point())
    assert [row['step'] for row in read_scalars(tmp_path)] == [1, 2]  # the NaN iteration is not logged


def test_non_finite_update_with_finite_loss_is_caught(tmp_path, make_runner):
    # an infinite learning rate: the loss of iteration 1 is finite, the parameters after its update are not
    runner = make_runner(tmp_path, SmoothViews(), lr=float('inf'))
    with pytest.raises(FloatingPointError, match='non-finite parameters after the update.*iteration 1 .*'
                                                 'no checkpoint was saved'):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))


def test_degenerate_maps_are_counted_logged_and_keep_the_whole_view(tmp_path, make_runner, read_scalars):
    """At 32 px ResNet-18's last map is 1 x 1, so every Grad-CAM map is constant: all degenerate.

    Keeping the whole view makes the GS step the ID step: both runs end with identical weights.
    """
    gs = make_runner(tmp_path / 'gs', SmoothViews(num=8, size=32), warmup_iters=0, max_iters=2)
    gs.train()
    rows = [row for row in read_scalars(tmp_path / 'gs') if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [1.0, 1.0]
    assert [row['degenerate_frac'] for row in rows] == [1.0, 1.0]
    assert [row['box_area_frac'] for row in rows] == [1.0, 1.0]
    ident = make_runner(tmp_path / 'id', SmoothViews(num=8, size=32), warmup_iters=2, max_iters=2)
    ident.train()
    assert [row['gs_phase'] for row in read_scalars(tmp_path / 'id') if 'loss' in row] == [0.0, 0.0]
    for (name, got), want in zip(gs.model.state_dict().items(), ident.model.state_dict().values()):
        assert torch.equal(got, want), name
    # with structure at 64 px the maps are not degenerate and the boxes are smaller than the views
    structured = make_runner(tmp_path / 'structured', SmoothViews(num=4, size=64), warmup_iters=0, max_iters=1)
    structured.train()
    row = [row for row in read_scalars(tmp_path / 'structured') if 'loss' in row][0]
    assert row['degenerate_frac'] < 1 and row['box_area_frac'] < 1


def test_corrupt_image_mid_epoch_is_skipped_and_named(tiny_folder, tmp_path, grass_cpu_config, small_options, run_train,
                                                      read_scalars):
    bad = tiny_folder / 'part1' / 'broken.png'
    bad.write_bytes((tiny_folder / 'part0' / 'img0.png').read_bytes()[:300])  # a truncated PNG
    work = tmp_path / 'work'
    # 4 iterations x 4 images = 16 samples > 7 files: the shuffled first epoch draws the broken file
    run_train(grass_cpu_config, work, small_options(tiny_folder, max_iters=4))
    assert (work / 'iter_4.pth').is_file()
    rows = [row for row in read_scalars(work) if 'loss' in row]
    assert [row['step'] for row in rows] == [1, 2, 3, 4]
    log = next(work.glob('*/*.log')).read_text()
    assert str(bad) in log
