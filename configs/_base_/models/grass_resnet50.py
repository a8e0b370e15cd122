# GraSS with the paper's network: torchvision-layout ResNet-50 (7x7 stem), 2048-2048-128 SimCLR projection,
# NT-Xent at temperature 0.5 (spec §2), gradient guided sampler with r = 0.5 and nearest crop resize (§3).
# Normalisation lives here, in model.data_preprocessor (the one place for pretraining). The fine-tuning
# configs normalise with the same mean/std (model.data_preprocessor in deeplabv3plus_r50b-d8.py): a backbone
# is pretrained for inputs normalised this way, so change both together.
model = dict(
    type='GraSS',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='SyncBN'), zero_init_residual=True),
    # Standard SimCLR head (ReLU). Exact release replication: dict(type='LinearProjectionNeck', ...).
    neck=dict(
        type='NonLinearNeck',
        in_channels=2048,
        hid_channels=2048,
        out_channels=128,
        num_layers=2,
        with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.5),
    sampler=dict(
        type='GradientGuidedSampler',
        threshold_ratio=0.5,  # r: keep M > min + r * (max - min)
        interpolation='nearest',  # crop resize as released; 'bilinear' is an option
        min_box_size=0.0,  # no minimum box side, as released
        region_rule='peak'),  # component holding the arg-max; 'release' = the release's rule
    localize_scale=1.0,  # < 1: cheaper guide pass on downscaled views (deviation, off by default)
    guide_updates_bn=False,  # True replicates the release's double BN-statistics update
    guide_dtype=None)  # 'float16' / 'bfloat16': guide pass's backbone forward in low precision (deviation, off)
