# GraSS on BYOL at CPU size on a folder of real RSI images (minutes on 2 cores; crosses the ID -> GS switch).
# The paper-size config shrunk: ResNet-18 with BN, 1024 hidden units in the projection and the predictor (4096 at
# paper size), 96 px views cut from random 256 px windows, batch 8 images,
# 60 iterations of which the first 20 are BYOL alone. Point it at your images:
#   python tools/train.py configs/grass/grass-byol_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = ['./grass-byol_resnet50_1xb256-coslr-200e_potsdam.py']

view_size = 96
model = dict(
    backbone=dict(depth=18, norm_cfg=dict(type='BN')),
    neck=dict(in_channels=512, hid_channels=1024, norm_cfg=dict(type='BN1d')),
    head=dict(predictor=dict(hid_channels=1024, norm_cfg=dict(type='BN1d'))))

view_pipeline1 = [
    dict(type='RandomResizedCrop', scale=view_size, interpolation='bicubic', backend='pillow'),
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
    dict(type='LoadRSIWindow', window_size=256),
    dict(type='MultiView', num_views=[1, 1], transforms=[view_pipeline1, view_pipeline2]),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(data_root='data/demo/images', data_prefix='', samples_per_image=1, pipeline=train_pipeline))

# BYOL's LARS, lr scaled linearly from 4.8 @ 4096 images to 8 images; iteration-based schedule.
optim_wrapper = dict(optimizer=dict(lr=4.8 * 8 / 4096))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end=6),
    dict(type='CosineAnnealingLR', T_max=54, by_epoch=False, begin=6, end=60),
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
custom_hooks = [dict(type='GraSSHook', warmup_iters=20)]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
