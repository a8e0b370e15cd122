"""The fitted linear probes (evaluations ``probe-fit``, ``probe-fit-full``): the 1x1 convolution solved.

The SGD-trained probe (``probe``) is an optimisation that has not converged after a few hundred steps: which
classes it finds can depend on the seed's data order more than on the backbone (the study's pilot, docs/study.md).
These evaluations keep the same model (frozen backbone, :class:`LinearProbeHead`) but fit the head as what it is,
a multinomial logistic regression: features are computed once, labelled pixels are drawn from them, and the 1x1
convolution is solved on those by full-batch L-BFGS with a small L2 penalty (strictly convex: one optimum, found
from zeros). The head's normalisation gets the features' mean and variance. The result is saved as an mmseg
checkpoint, and the study evaluates it like any fine-tuned model.

``probe-fit`` draws 1024 pixels from each of 4 random training crops per image (the SGD probe's crops);
``probe-fit-full`` draws 4096 from every training image, whole, through the evaluation pipeline, so that only
the pixel draw is random. Features are read at the labels' resolution by bilinear resizing, as mmseg resizes the
logits for the loss; a 1x1 convolution and a per-channel affine map commute with it, so the fitted head gives the
same logits at the features' resolution.
"""
import copy
import itertools
import math
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.config import Config

from grass_mm.checkpoint.io import save_atomically
from grass_mm.utils.atomic_write import PathLike

# evaluation name -> fitted on whole training images (True) or on random training crops (False)
FITTED_PROBES = {'probe-fit': False, 'probe-fit-full': True}


def features_at(feature_map: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor, size: Tuple[int, int],
                align_corners: bool) -> torch.Tensor:
    """The feature map bilinearly resized to ``size``, read at the given pixels only.

    Equal to ``F.interpolate(feature_map[None], size, mode='bilinear')[0][:, rows, cols]`` without building the
    resized map (a 960-channel map at the labels' resolution is a gigabyte for a 512 px image).

    Args:
        feature_map (torch.Tensor): (C, h, w) features.
        rows (torch.Tensor): (N,) row indices in ``[0, size[0])``.
        cols (torch.Tensor): (N,) column indices in ``[0, size[1])``.
        size (tuple[int, int]): (H, W) of the resized map.
        align_corners (bool): As for ``F.interpolate``.

    Returns:
        torch.Tensor: (N, C) features.
    """
    height, width = size
    if align_corners:
        x, y = cols * 2.0 / max(width - 1, 1) - 1, rows * 2.0 / max(height - 1, 1) - 1
    else:
        x, y = (cols * 2.0 + 1) / width - 1, (rows * 2.0 + 1) / height - 1
    grid = torch.stack([x, y], dim=-1).to(feature_map)[None, None]
    return F.grid_sample(feature_map[None], grid, mode='bilinear', padding_mode='border',
                         align_corners=align_corners)[0, :, 0].T


def collect_pixels(model: torch.nn.Module, batches: Iterable[dict], pixels_per_image: int,
                   generator: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features and labels of randomly drawn labelled pixels of the batches' images.

    Args:
        model (torch.nn.Module): An mmseg segmentor whose decode head is a ``LinearProbeHead``.
        batches (Iterable[dict]): mmseg batches (``inputs``/``data_samples``).
        pixels_per_image (int): Labelled pixels drawn per image (all when fewer).
        generator (torch.Generator): The draws' random generator.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: (N, channels) float32 features and (N,) int64 labels, on the CPU.
    """
    head, features, labels = model.decode_head, [], []
    model.eval()
    with torch.no_grad():
        for data in batches:
            data = model.data_preprocessor(data, True)
            maps = head.concat_features(model.extract_feat(data['inputs']))
            for feature_map, sample in zip(maps, data['data_samples']):
                label = sample.gt_sem_seg.data[0].cpu()
                valid = (label.flatten() != head.ignore_index).nonzero()[:, 0]
                pick = valid[torch.randperm(len(valid), generator=generator)[:pixels_per_image]]
                rows, cols = pick // label.shape[1], pick % label.shape[1]
                features.append(features_at(feature_map, rows, cols, label.shape, head.align_corners).float().cpu())
                labels.append(label[rows, cols].long())
    if not features or not sum(len(y) for y in labels):
        raise ValueError('the fitted probe found no labelled pixel in the training images')
    return torch.cat(features), torch.cat(labels)


def training_batches(cfg: Config, full_images: bool, passes: int, seed: int) -> Tuple[Iterable[dict], int]:
    """The batches the probe is fitted on: ``passes`` rounds of the training crops, or the whole images once.

    Args:
        cfg (Config): The stage config (``train_dataloader``; ``val_dataloader``'s pipeline for whole images).
        full_images (bool): Read every training image once, whole, through the evaluation pipeline (resize to
            the evaluation scale, no crop, no flip, no photometric change) instead of random training crops.
        passes (int): Rounds of random crops per image (``full_images=False``).
        seed (int): The loader's seed.

    Returns:
        tuple: The batches (an iterable) and the number of images they hold.
    """
    from mmengine.runner import Runner
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    if full_images:
        dataset = loader_cfg.dataset
        while 'dataset' in dataset:  # wrappers such as LabelFractionDataset keep their selection
            dataset = dataset.dataset
        dataset.pipeline = copy.deepcopy(cfg.val_dataloader.dataset.pipeline)
        loader_cfg.update(batch_size=1, sampler=dict(type='DefaultSampler', shuffle=False))
    loader = Runner.build_dataloader(loader_cfg, seed=seed)
    count = len(loader.dataset) if full_images else passes * len(loader.dataset)
    batches = math.ceil(count / loader.batch_size)
    return itertools.islice(itertools.chain.from_iterable(itertools.repeat(loader)), batches), count


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


def fit_probe(cfg: Config, options: dict, checkpoint: PathLike, max_iters: int, seed: int, full_images: bool = False,
              passes: int = 4, pixels_per_image: Optional[int] = None, weight_decay: float = 1e-4,
              log: Callable[[str], None] = print) -> dict:
    """Builds the probe config's model, fits its head on the training images and saves the checkpoint.

    Args:
        cfg (Config): A fine-tuning stage config whose decode head is a ``LinearProbeHead``.
        options (dict): Config overrides (as ``--cfg-options``).
        checkpoint (str | PathLike): Where the fitted model's checkpoint goes (atomically).
        max_iters (int): Most L-BFGS iterations.
        seed (int): Seed of the crops and of the pixel draws.
        full_images (bool): Fit on every training image once, whole (evaluation pipeline), instead of
            ``passes`` rounds of random training crops. Defaults to False.
        passes (int): Random crops per training image (``full_images=False``). Defaults to 4.
        pixels_per_image (int, optional): Labelled pixels drawn per crop or image. Defaults to None: 1024 per
            crop, 4096 per whole image (about the same total for 256 px crops of images resized to 512 px).
        weight_decay (float): L2 penalty of the 1x1 convolution's weights. Defaults to 1e-4.
        log (Callable[[str], None]): Progress output. Defaults to ``print``.

    Returns:
        dict: What the fit reports (images, samples per class, loss, gradient norm, iterations).
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
    pixels = pixels_per_image or (4096 if full_images else 1024)
    batches, images = training_batches(cfg, full_images, passes, seed)
    features, labels = collect_pixels(model, batches, pixels, torch.Generator().manual_seed(seed))
    fit = fit_logistic_regression(features, labels, head.num_classes, max_iters, weight_decay, head.norm.eps)
    with torch.no_grad():
        head.conv_seg.weight.copy_(fit['weight'][..., None, None])
        head.conv_seg.bias.copy_(fit['bias'])
        head.norm.running_mean.copy_(fit['mean'])
        head.norm.running_var.copy_(fit['var'])
    report = dict(images=images, full_images=full_images, samples=len(labels),
                  class_samples=torch.bincount(labels, minlength=head.num_classes).tolist(), loss=fit['loss'],
                  grad_norm=fit['grad_norm'], iterations=fit['iterations'], max_iters=max_iters,
                  weight_decay=weight_decay)
    log(f'    fitted probe: {report["samples"]} pixels of {images} {"whole images" if full_images else "crops"}, '
        f'loss {report["loss"]:.4f}, gradient norm {report["grad_norm"]:.2e} after {report["iterations"]} L-BFGS '
        'iterations')
    save_atomically(dict(meta=dict(probe_fit=report), state_dict=model.state_dict()), Path(checkpoint))
    return report
