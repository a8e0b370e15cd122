"""The sampler's host work split over threads: the ranges, and results that do not depend on the thread count."""
import pytest
import torch

from grass_mm.pretrain.models import GradientGuidedSampler
from grass_mm.pretrain.models.utils.host_threads import run_ranges, split_ranges


@pytest.mark.parametrize('total,step,parts', [(512, 5, 2), (10, 1, 3), (3, 5, 4), (7, 2, 16), (0, 1, 2), (9, 3, 1)])
def test_split_ranges_cover_the_batch_in_whole_steps(total, step, parts):
    ranges = split_ranges(total, step, parts)
    assert len(ranges) <= parts
    assert [i for start, stop in ranges for i in range(start, stop)] == list(range(total))
    assert all(stop > start and start % step == 0 for start, stop in ranges)


def test_run_ranges_uses_the_torch_thread_count_and_keeps_the_order():
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        assert run_ranges(lambda start, stop: (start, stop), 10) == [(0, 3), (3, 6), (6, 10)]
        torch.set_num_threads(1)
        assert run_ranges(lambda start, stop: (start, stop), 10) == [(0, 10)]
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize('size', [(224, 224), (96, 128)])
def test_sampler_output_does_not_depend_on_the_thread_count(size):
    cams = torch.randn(67, 7, 7, generator=torch.Generator().manual_seed(0))
    views = torch.randn(67, 3, *size, generator=torch.Generator().manual_seed(1))
    results, threads = [], torch.get_num_threads()
    try:
        for count in (1, 2, 5):
            torch.set_num_threads(count)
            sampler = GradientGuidedSampler()
            boxes, degenerate = sampler.locate(cams, size, size)
            work = views.clone()
            results.append((boxes, degenerate, sampler.crop(views, boxes), sampler.crop(work, boxes, out=work)))
    finally:
        torch.set_num_threads(threads)
    for other in results[1:]:
        assert all(torch.equal(a, b) for a, b in zip(results[0], other))
    assert torch.equal(results[0][2], results[0][3])
