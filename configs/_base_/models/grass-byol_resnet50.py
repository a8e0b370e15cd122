# GraSS on BYOL: mmpretrain's BYOL model (configs/byol/byol_resnet50_16xb256-coslr-200e_in1k.py: ResNet-50 with
# SyncBN, projection 2048-4096-256, predictor 256-4096-256, cosine-similarity loss, target momentum 0.01 with
# cosine schedule) as GraSSBYOL. Guide objective: BYOL's symmetric loss.
_base_ = ['./gradient_guided_sampling.py']
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
        loss=dict(type='CosineSimilarityLoss')))
