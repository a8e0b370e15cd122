# SwAV as mmpretrain's reference (configs/swav/swav_resnet50_8xb32-mcrop-coslr-200e_in1k-224px-96px.py):
# mmpretrain's `SwAV`, torchvision-layout ResNet-50 (7x7 stem), SwAVNeck 2048-2048-128 (L2-normalised), 3000
# prototypes, swapped prediction of Sinkhorn codes (epsilon 0.05, 3 iterations) at temperature 0.1 over
# 2 large + 6 small crops; codes are computed for the two large crops. The feature queue and the frozen
# prototypes of the first epoch are set up by mmpretrain's SwAVHook in each config.
model = dict(
    type='SwAV',
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='SyncBN'), zero_init_residual=True),
    neck=dict(type='SwAVNeck', in_channels=2048, hid_channels=2048, out_channels=128, with_avg_pool=True),
    head=dict(
        type='SwAVHead',
        loss=dict(type='SwAVLoss', feat_dim=128, epsilon=0.05, temperature=0.1, num_crops=[2, 6])))
# as in mmpretrain's reference (DDP: the prototypes get no gradient while SwAVHook freezes them)
find_unused_parameters = True
