# MoCo v3 with ResNet-50 as mmpretrain's reference (configs/mocov3/mocov3_resnet50_8xb512-amp-coslr-300e_in1k.py):
# mmpretrain's `MoCoV3`, torchvision-layout ResNet-50 (7x7 stem), projector 2048-4096-256 (last BN without
# affine), predictor 256-4096-256, symmetric InfoNCE against the other view's momentum-encoder keys of the same
# batch (no queue) at temperature 1.0 (loss weight 2 x temperature), momentum encoder = cosine-scheduled EMA
# (momentum 0.01 rising to 0, as for 100 to 300 epochs).
temperature = 1.0
model = dict(
    type='MoCoV3',
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
        with_bias=False,
        with_last_bn=True,
        with_last_bn_affine=False,
        with_last_bias=False,
        with_avg_pool=True),
    head=dict(
        type='MoCoV3Head',
        predictor=dict(
            type='NonLinearNeck',
            in_channels=256,
            hid_channels=4096,
            out_channels=256,
            num_layers=2,
            with_bias=False,
            with_last_bn=False,
            with_last_bn_affine=False,
            with_last_bias=False,
            with_avg_pool=False),
        loss=dict(type='CrossEntropyLoss', loss_weight=2 * temperature),
        temperature=temperature))
