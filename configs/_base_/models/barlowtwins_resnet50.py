# Barlow Twins as mmpretrain's reference (configs/barlowtwins/barlowtwins_resnet50_8xb256-coslr-300e_in1k.py):
# mmpretrain's `BarlowTwins`, torchvision-layout ResNet-50 (7x7 stem), 3-layer projector 2048-8192-8192-8192,
# cross-correlation loss of the two views' batch-normalised projections (redundancy reduction, lambda 0.0051).
model = dict(
    type='BarlowTwins',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='SyncBN'), zero_init_residual=True),
    neck=dict(
        type='NonLinearNeck',
        in_channels=2048,
        hid_channels=8192,
        out_channels=8192,
        num_layers=3,
        with_last_bn=False,
        with_last_bn_affine=False,
        with_avg_pool=True,
        init_cfg=dict(type='Kaiming', distribution='uniform', layer=['Linear'])),
    head=dict(type='LatentCrossCorrelationHead', in_channels=8192, loss=dict(type='CrossCorrelationLoss')))
