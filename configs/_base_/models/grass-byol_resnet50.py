# GraSS on BYOL: mmpretrain's BYOL model (configs/byol/byol_resnet50_16xb256-coslr-200e_in1k.py: ResNet-50 with
# SyncBN, projection 2048-4096-256, predictor 256-4096-256, cosine-similarity loss, target momentum 0.01 with
# cosine schedule) as GraSSBYOL, with the gradient guided sampler of GraSS (r = 0.5, nearest crop resize).
model = dict(
    type='GraSSBYOL',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    base_momentum=0.01,
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='SyncBN'), zero_init_residual=False),
    neck=dict(
        type='NonLinearNeck',
        in_channels=2048,
        hid_channels=4096,
        out_channels=256,
        num_layers=2,
        with_bias=True,
        with_last_bn=False,
        with_avg_pool=True),
    head=dict(
        type='LatentPredictHead',
        predictor=dict(
            type='NonLinearNeck',
            in_channels=256,
            hid_channels=4096,
            out_channels=256,
            num_layers=2,
            with_bias=True,
            with_last_bn=False,
            with_avg_pool=False),
        loss=dict(type='CosineSimilarityLoss')),
    sampler=dict(
        type='GradientGuidedSampler',
        threshold_ratio=0.5,  # r: keep M > min + r * (max - min)
        interpolation='nearest',  # crop resize as released; 'bilinear' is an option
        min_box_size=0.0,  # no minimum box side, as released
        region_rule='peak'),  # component holding the arg-max; 'release' = the release's rule
    localize_scale=1.0,  # < 1: cheaper guide pass on downscaled views
    guide_updates_bn=False,  # True: the guide pass updates the online BN statistics too
    # guide objective: BYOL's symmetric loss; the targets are the online projections with stop-gradient
    # ('online', one online forward per view) or the target network's ('momentum', one more forward per view)
    guide_target='online')
