"""The fitted linear probe (evaluation ``probe-fit``): the probe's 1x1 convolution solved to convergence.

The SGD-trained probe (``probe``) is an optimisation that has not converged after a few hundred steps: which
classes it finds can depend on the seed's data order more than on the backbone (the study's pilot, docs/study.md).
This evaluation keeps the same model (frozen backbone, :class:`LinearProbeHead`) and the same training crops,
but fits the head as what it is, a multinomial logistic regression: features of ``passes`` augmented crops per
training image are computed once, ``pixels_per_crop`` labelled pixels are drawn from each crop, and the 1x1
convolution is solved on them by full-batch L-BFGS with a small L2 penalty (strictly convex: one optimum, found
from zeros whatever the seed). The head's normalisation gets the features' mean and variance. The result is
saved as an mmseg checkpoint, and the study evaluates it like any fine-tuned model.

Features are upsampled to the labels' resolution before pixels are drawn, as mmseg resizes the logits for the
loss; a 1x1 convolution and a per-channel affine map commute with bilinear resizing, so the fitted head gives
the same logits at the features' resolution.
"""
import itertools
import math
from pathlib import Path
from typing import Callable, Dict, Tuple

import torch
import torch.nn.functional as F
from mmengine.config import Config

from grass_mm.checkpoint.io import save_atomically
from grass_mm.utils.atomic_write import PathLike

FITTED_PROBE = 'probe-fit'


def collect_pixels(model: torch.nn.Module, dataloader, batches: int, pixels_per_crop: int,
                   generator: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features and labels of randomly drawn labelled pixels of the loader's crops.

    Args:
        model (torch.nn.Module): An mmseg segmentor whose decode head is a ``LinearProbeHead``.
        dataloader (Iterable): Training batches (mmseg's ``inputs``/``data_samples`` dicts).
        batches (int): Batches to read.
        pixels_per_crop (int): Labelled pixels drawn per crop (all when fewer).
        generator (torch.Generator): The draws' random generator.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: (N, channels) float32 features and (N,) int64 labels, on the CPU.
    """
    head, features, labels = model.decode_head, [], []
    model.eval()
    with torch.no_grad():
        for data in itertools.islice(itertools.chain.from_iterable(itertools.repeat(dataloader)), batches):
            data = model.data_preprocessor(data, True)
            maps = head.concat_features(model.extract_feat(data['inputs']))
            for feature_map, sample in zip(maps, data['data_samples']):
                label = sample.gt_sem_seg.data[0].flatten()
                valid = (label != head.ignore_index).nonzero()[:, 0].cpu()
                pick = valid[torch.randperm(len(valid), generator=generator)[:pixels_per_crop]]
                full = F.interpolate(feature_map[None], size=sample.gt_sem_seg.data.shape[-2:], mode='bilinear',
                                     align_corners=head.align_corners)[0].flatten(1)
                features.append(full[:, pick.to(full.device)].T.float().cpu())
                labels.append(label[pick.to(label.device)].long().cpu())
    if not features or not sum(len(y) for y in labels):
        raise ValueError('the fitted probe found no labelled pixel in the training crops')
    return torch.cat(features), torch.cat(labels)


def fit_logistic_regression(features: torch.Tensor, labels: torch.Tensor, num_classes: int, max_iters: int,
                            weight_decay: float, eps: float) -> Dict[str, torch.Tensor]:
    """Solves normalised-feature multinomial logistic regression with full-batch L-BFGS.

    Minimises the mean cross-entropy of ``W x_n + b`` plus ``weight_decay / 2 * |W|^2``, where ``x_n`` is the
    feature normalised per channel by its mean and variance (``eps`` added, as a BatchNorm in eval mode does).

    Args:
        features (torch.Tensor): (N, C) features; normalised in place.
        labels (torch.Tensor): (N,) class indices in ``[0, num_classes)``.
        num_classes (int): Classes.
        max_iters (int): Most L-BFGS iterations.
        weight_decay (float): L2 penalty of the weights (not the bias).
        eps (float): Added to the variance.

    Returns:
        dict: ``weight`` (num_classes, C), ``bias``, ``mean``, ``var``, ``loss``, ``grad_norm`` (of the
        objective at the solution), ``iterations``.
    """
    if int(labels.max()) >= num_classes or int(labels.min()) < 0:
        raise ValueError(f'labels must be in [0, {num_classes}), got {int(labels.min())}..{int(labels.max())}')
    mean, var = features.mean(0), features.var(0, unbiased=False)
    features.sub_(mean).div_(torch.sqrt(var + eps))
    weight = torch.zeros(num_classes, features.shape[1], requires_grad=True)
    bias = torch.zeros(num_classes, requires_grad=True)
    optimizer = torch.optim.LBFGS([weight, bias], lr=1, max_iter=max_iters, history_size=20,
                                  tolerance_grad=1e-6, tolerance_change=1e-12, line_search_fn='strong_wolfe')

    def objective() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(torch.addmm(bias, features, weight.T), labels) + weight_decay / 2 * weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(objective)
    loss = objective()
    grad_norm = torch.sqrt(weight.grad.pow(2).sum() + bias.grad.pow(2).sum())
    return dict(weight=weight.detach(), bias=bias.detach(), mean=mean, var=var, loss=float(loss.detach()),
                grad_norm=float(grad_norm), iterations=int(optimizer.state[weight]['n_iter']))


def fit_probe(cfg: Config, options: dict, checkpoint: PathLike, max_iters: int, seed: int,
              passes: int = 4, pixels_per_crop: int = 1024, weight_decay: float = 1e-4,
              log: Callable[[str], None] = print) -> dict:
    """Builds the probe config's model, fits its head on the training crops and saves the checkpoint.

    Args:
        cfg (Config): A fine-tuning stage config whose decode head is a ``LinearProbeHead``.
        options (dict): Config overrides (as ``--cfg-options``).
        checkpoint (str | PathLike): Where the fitted model's checkpoint goes (atomically).
        max_iters (int): Most L-BFGS iterations.
        seed (int): Seed of the crops (the config's ``randomness``) and of the pixel draws.
        passes (int): Augmented crops per training image. Defaults to 4.
        pixels_per_crop (int): Labelled pixels drawn per crop. Defaults to 1024.
        weight_decay (float): L2 penalty of the 1x1 convolution's weights. Defaults to 1e-4.
        log (Callable[[str], None]): Progress output. Defaults to ``print``.

    Returns:
        dict: What the fit reports (samples, loss, gradient norm, iterations).
    """
    from mmengine.runner import Runner

    from grass_mm.segmentation.models import LinearProbeHead
    cfg.merge_from_dict(options)
    runner = Runner.from_cfg(cfg)
    model, head = runner.model, runner.model.decode_head
    if not isinstance(head, LinearProbeHead):
        raise ValueError(f'{cfg.filename}: the fitted probe needs model.decode_head of type LinearProbeHead, got '
                         f'{type(head).__name__}')
    model.init_weights()  # the pretrained backbone (init_cfg), as training would load it
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=seed)
    batches = math.ceil(passes * len(loader.dataset) / loader.batch_size)
    features, labels = collect_pixels(model, loader, batches, pixels_per_crop, torch.Generator().manual_seed(seed))
    fit = fit_logistic_regression(features, labels, head.num_classes, max_iters, weight_decay, head.norm.eps)
    with torch.no_grad():
        head.conv_seg.weight.copy_(fit['weight'][..., None, None])
        head.conv_seg.bias.copy_(fit['bias'])
        head.norm.running_mean.copy_(fit['mean'])
        head.norm.running_var.copy_(fit['var'])
    report = dict(samples=len(labels), class_samples=torch.bincount(labels, minlength=head.num_classes).tolist(),
                  crops=batches * loader.batch_size, loss=fit['loss'], grad_norm=fit['grad_norm'],
                  iterations=fit['iterations'], max_iters=max_iters, weight_decay=weight_decay)
    log(f'    fitted probe: {report["samples"]} pixels of {report["crops"]} crops, loss {report["loss"]:.4f}, '
        f'gradient norm {report["grad_norm"]:.2e} after {report["iterations"]} L-BFGS iterations')
    save_atomically(dict(meta=dict(probe_fit=report), state_dict=model.state_dict()), Path(checkpoint))
    return report
