# GraSS on BYOL at the paper's size on potsdam: mmpretrain's BYOL (ResNet-50 with SyncBN, 4096-256 projection
# and predictor, target momentum 0.01) with its asymmetric views and schedule (LARS, lr 4.8 for batch 4096
# scaled linearly to 0.3 for batch 256, 10 warm-up epochs, cosine, 200 epochs), batch 256 on one GPU. BYOL alone
# (the ID phase) for the first 20 epochs (10 %), then gradient guided sampling (GraSSHook,
# configs/_base_/grass_warmup.py); the BYOL baseline is this config with custom_hooks = [].
_base_ = [
    '../_base_/models/grass-byol_resnet50.py',
    '../_base_/datasets/potsdam_pretrain.py',
    '../_base_/pretrain_runtime.py',
    '../_base_/grass_warmup.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

# BYOL's two view pipelines (mmpretrain's imagenet_bs32_byol.py), cut from random 512 px windows of the tiles;
# view 2 differs in the blur (p 0.1) and solarisation (p 0.2)
view_pipeline1 = [
    dict(type='RandomResizedCrop', scale=224, interpolation='bicubic', backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomApply',
        transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=1.),
    dict(type='Solarize', thr=128, prob=0.),
]
view_pipeline2 = view_pipeline1[:4] + [dict(view_pipeline1[4], prob=0.1), dict(view_pipeline1[5], prob=0.2)]
train_pipeline = [
    dict(type='LoadRSIWindow', window_size=512, on_corrupt='skip'),
    dict(type='MultiView', num_views=[1, 1], transforms=[view_pipeline1, view_pipeline2]),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=256, dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='LARS', lr=0.3, momentum=0.9, weight_decay=1e-6),
    paramwise_cfg=dict(
        custom_keys={
            'bn': dict(decay_mult=0, lars_exclude=True),
            'bias': dict(decay_mult=0, lars_exclude=True),
            'downsample.1': dict(decay_mult=0, lars_exclude=True),
        }))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=10, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=190, by_epoch=True, begin=10, end=200),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200)
auto_scale_lr = dict(base_batch_size=256)
