# BYOL as mmpretrain's reference (configs/byol/byol_resnet50_16xb256-coslr-200e_in1k.py): mmpretrain's `BYOL`,
# torchvision-layout ResNet-50 (7x7 stem), projector 2048-4096-256 and predictor 256-4096-256 (NonLinearNeck),
# cosine-similarity loss between the online prediction of one view and the target projection of the other,
# target network = cosine-scheduled EMA of the online network (momentum 0.01 rising to 0, i.e. 0.99 -> 1).
model = dict(
    type='BYOL',
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
        loss=dict(type='CosineSimilarityLoss')))
