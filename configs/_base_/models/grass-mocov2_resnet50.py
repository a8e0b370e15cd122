# GraSS on MoCo v2: mmpretrain's MoCo v2 model (configs/mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py: ResNet-50,
# MoCoV2Neck 2048-2048-128, InfoNCE at temperature 0.2, queue 65536, key-encoder momentum 0.001) as GraSSMoCo.
# Guide objective: MoCo's loss with each view as the query in turn, negatives from the queue (read only).
_base_ = ['./gradient_guided_sampling.py']
model = dict(
    type='GraSSMoCo',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    queue_len=65536,  # a multiple of the global batch (MoCo asserts it); drop_last=True in the data loader
    feat_dim=128,
    momentum=0.001,
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='BN'), zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=2048, hid_channels=2048, out_channels=128, with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2))
