# DeepLabV3+ R50-D8 whose backbone is mmseg's `ResNet` (torchvision layout, one 7x7 stem conv: "r50b" in
# mmseg's naming), so that GraSS/SimCLR backbones (mmpretrain `ResNet`) load into it key for key. mmseg's own
# deeplabv3plus_r50-d8 uses `ResNetV1c` (three 3x3 stem convs), which would keep a random stem.
# The backbone is initialised from an extracted backbone (tools/extract_backbone.py): set
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH/backbone.pth
# (or model.backbone.init_cfg=None for the random-init baseline). A full GraSS/SimCLR Runner checkpoint works
# too with model.backbone.init_cfg.prefix=backbone.
norm_cfg = dict(type='SyncBN', requires_grad=True)
# Normalisation: the same mean/std as the pretraining (model.data_preprocessor in grass_resnet50.py); change
# both together. The crop size is data_preprocessor.size, set by each leaf config with its RandomCrop.
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True,
        init_cfg=dict(type='Pretrained', checkpoint='work_dirs/pretrained/backbone.pth')),
    decode_head=dict(
        type='DepthwiseSeparableASPPHead',
        in_channels=2048,
        in_index=3,
        channels=512,
        dilations=(1, 12, 24, 36),
        c1_in_channels=256,
        c1_channels=48,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='FCNHead',
        in_channels=1024,
        in_index=2,
        channels=256,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
