# CPU-size linear segmentation probe (the study's low-variance evaluation, docs/study.md): the pretrained
# ResNet-18 (7x7 stem) with mmseg's D8 dilations, frozen, and a LinearProbeHead: the four stages resized to
# stride 4, concatenated (960 channels), normalised without affine parameters, one 1x1 convolution. Only the
# 1x1 convolution learns (960 x num_classes weights). Same data, crops and evaluation as the CPU DeepLabV3+
# config it inherits; set the backbone with model.backbone.init_cfg.checkpoint=.../backbone.pth.
_base_ = '../deeplabv3plus/deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'
num_classes = 6
model = dict(
    decode_head=dict(
        _delete_=True,
        type='LinearProbeHead',
        in_channels=[64, 128, 256, 512],
        in_index=[0, 1, 2, 3],
        num_classes=num_classes,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
train_dataloader = dict(batch_size=8)
# a linear head on normalised features takes a larger step than the DeepLabV3+ head
optim_wrapper = dict(optimizer=dict(lr=0.1))
max_iters = 300
# the poly decay ends with training (no `end`): change train_cfg.max_iters alone
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
