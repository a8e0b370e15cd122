# SimSiam as mmpretrain's reference (configs/simsiam/simsiam_resnet50_8xb32-coslr-200e_in1k.py): mmpretrain's
# `SimSiam`, torchvision-layout ResNet-50 (7x7 stem), 3-layer projector 2048-2048-2048 (last BN without affine),
# predictor 2048-512-2048, symmetric negative cosine similarity with stop-gradient; no momentum encoder. The
# predictor's fixed learning rate is part of the schedule (schedules/simsiam_sgd_coslr_350e.py).
model = dict(
    type='SimSiam',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='SyncBN'), zero_init_residual=True),
    neck=dict(
        type='NonLinearNeck',
        in_channels=2048,
        hid_channels=2048,
        out_channels=2048,
        num_layers=3,
        with_last_bn_affine=False,
        with_avg_pool=True),
    head=dict(
        type='LatentPredictHead',
        loss=dict(type='CosineSimilarityLoss'),
        predictor=dict(
            type='NonLinearNeck',
            in_channels=2048,
            hid_channels=512,
            out_channels=2048,
            with_avg_pool=False,
            with_last_bn=False,
            with_last_bias=True)))
