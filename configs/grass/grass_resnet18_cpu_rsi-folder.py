# GraSS at CPU size on a folder of real RSI images (minutes on 2 cores; crosses the ID -> GS switch).
# ResNet-18, 96 px views cut from random 256 px windows, batch 8 images (16 views), 60 iterations of which
# the first third (20) is the ID warm-up. Change train_cfg.max_iters alone: the lr warm-up (10 %), the cosine
# (to the last iteration) and the ID warm-up (a third) follow it. Point it at your images:
#   python tools/train.py configs/grass/grass_resnet18_cpu_rsi-folder.py --data-root ../shared/data/dubai_aerial/images
# (the paper-size template for your own tiles: grass_resnet50_1xb256-coslr-350e_rsi-folder.py)
_base_ = [
    '../_base_/models/grass_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/schedules/lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

view_size = 96
model = dict(
    backbone=dict(depth=18, norm_cfg=dict(type='BN'), zero_init_residual=True),
    neck=dict(in_channels=512, hid_channels=512, out_channels=128, norm_cfg=dict(type='BN1d')))

view_pipeline = [
    dict(type='RandomResizedCrop', scale=view_size, backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomApply',
        transforms=[dict(type='ColorJitter', brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.5),
]
train_pipeline = [
    dict(type='LoadRSIWindow', window_size=256),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(data_root='data/demo/images', pipeline=train_pipeline))

# LARS as in the paper, lr scaled linearly from 4.8 @ 256 images to 8 images (auto_scale_lr: the batch this lr
# is for); iteration-based schedule, bounds as fractions of max_iters (grass_mm.utils.schedule.fit_schedule).
optim_wrapper = dict(optimizer=dict(lr=0.15))
auto_scale_lr = dict(base_batch_size=8)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end_ratio=0.1),
    dict(type='CosineAnnealingLR', by_epoch=False, begin_ratio=0.1),
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
custom_hooks = [dict(type='GraSSHook', warmup_ratio=1 / 3)]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
