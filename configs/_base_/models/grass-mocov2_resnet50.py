# GraSS on MoCo v2: mmpretrain's MoCo v2 model (configs/mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py: ResNet-50,
# MoCoV2Neck 2048-2048-128, InfoNCE at temperature 0.2, queue 65536, key-encoder momentum 0.001) as GraSSMoCo,
# with the gradient guided sampler of GraSS (r = 0.5, nearest crop resize).
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
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2),
    sampler=dict(
        type='GradientGuidedSampler',
        threshold_ratio=0.5,  # r: keep M > min + r * (max - min)
        interpolation='nearest',  # crop resize as released; 'bilinear' is an option
        min_box_size=0.0,  # no minimum box side, as released
        region_rule='peak'),  # component holding the arg-max; 'release' = the release's rule
    localize_scale=1.0,  # < 1: cheaper guide pass on downscaled views
    guide_updates_bn=False,  # True: the guide pass updates the online BN statistics too
    # guide objective: MoCo's loss with each view as the query in turn, negatives from the queue (read only);
    # the positive key is the other view's online query with stop-gradient ('online', one online forward per
    # view) or the key encoder's output ('momentum', one more key-encoder forward per view)
    guide_target='online')
