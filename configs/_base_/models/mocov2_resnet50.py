# MoCo v2 as mmpretrain's reference (configs/mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py): mmpretrain's `MoCo`,
# torchvision-layout ResNet-50 (7x7 stem), MoCoV2Neck 2048-2048-128, InfoNCE at temperature 0.2 against a queue of
# 65536 keys from a momentum encoder updated with momentum 0.001 (i.e. EMA 0.999). The queue length must be a
# multiple of the global batch (mmpretrain asserts it); 65536 = 256 batches of 256.
model = dict(
    type='MoCo',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    queue_len=65536,
    feat_dim=128,
    momentum=0.001,
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='BN'), zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=2048, hid_channels=2048, out_channels=128, with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2))
