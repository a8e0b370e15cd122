# GraSS on MoCo v2 at the paper's size on potsdam: mmpretrain's MoCo v2 (ResNet-50, queue 65536, InfoNCE at
# temperature 0.2) with its views and schedule (SGD lr 0.03 for batch 256, weight decay 1e-4, cosine, 200 epochs),
# batch 256 on one GPU. MoCo v2 alone (the ID phase) for the first 20 epochs (10 %), then gradient guided
# sampling (GraSSHook, configs/_base_/grass_warmup.py); the MoCo v2 baseline is this config with custom_hooks = [].
_base_ = [
    '../_base_/models/grass-mocov2_resnet50.py',
    '../_base_/datasets/potsdam_pretrain.py',
    '../_base_/pretrain_runtime.py',
    '../_base_/grass_warmup.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

# MoCo v2's views (mmpretrain's imagenet_bs32_mocov2.py), cut from random 512 px windows of the tiles
view_pipeline = [
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.), backend='pillow'),
    dict(
        type='RandomApply',
        transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.5),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [
    dict(type='LoadRSIWindow', window_size=512, on_corrupt='skip'),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
# drop_last: MoCo enqueues whole batches (queue_len must be a multiple of the global batch)
train_dataloader = dict(batch_size=256, drop_last=True, dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.03, weight_decay=1e-4, momentum=0.9))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=200, by_epoch=True, begin=0, end=200)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200)
auto_scale_lr = dict(base_batch_size=256)
