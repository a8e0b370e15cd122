# DenseCL as mmpretrain's reference (configs/densecl/densecl_resnet50_8xb32-coslr-200e_in1k.py): mmpretrain's
# `DenseCL`, torchvision-layout ResNet-50 (7x7 stem), DenseCLNeck 2048-2048-128 with a global and a dense
# (per-location 1x1 conv) projection, two queues of 65536 keys (global keys; pooled dense keys), InfoNCE at
# temperature 0.2, momentum encoder updated with momentum 0.001, loss = 0.5 global + 0.5 dense. The dense grid
# is the backbone's output grid (num_grid=None: 7x7 at 224 px views). Neither mmpretrain's reference nor the
# authors' configs warm up `loss_lambda`; mmpretrain's DenseCLHook(start_iters=N) does, as an option.
model = dict(
    type='DenseCL',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    queue_len=65536,
    feat_dim=128,
    momentum=0.001,
    loss_lambda=0.5,
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='BN'), zero_init_residual=False),
    neck=dict(type='DenseCLNeck', in_channels=2048, hid_channels=2048, out_channels=128, num_grid=None),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2))
# as in mmpretrain's reference config (DDP)
find_unused_parameters = True
