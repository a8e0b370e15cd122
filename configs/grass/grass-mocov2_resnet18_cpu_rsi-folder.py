# GraSS on MoCo v2 at CPU size on a folder of real RSI images (minutes on 2 cores; crosses the ID -> GS switch).
# The paper-size config shrunk: ResNet-18, queue 512, 96 px views cut from random 256 px windows, batch 8 images,
# 60 iterations of which the first 20 are MoCo v2 alone. Point it at your images:
#   python tools/train.py configs/grass/grass-mocov2_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = ['./grass-mocov2_resnet50_1xb256-coslr-200e_potsdam.py']

view_size = 96
model = dict(queue_len=512, backbone=dict(depth=18), neck=dict(in_channels=512, hid_channels=512))

view_pipeline = [
    dict(type='RandomResizedCrop', scale=view_size, crop_ratio_range=(0.2, 1.), backend='pillow'),
    dict(
        type='RandomApply',
        transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.5),
    dict(type='RandomFlip', prob=0.5),
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
    dataset=dict(data_root='data/demo/images', data_prefix='', samples_per_image=1, pipeline=train_pipeline))

# MoCo v2's SGD, lr scaled linearly from 0.03 @ 256 images to 8 images; iteration-based cosine schedule.
optim_wrapper = dict(optimizer=dict(lr=0.03 * 8 / 256))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=60, by_epoch=False, begin=0, end=60)]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
custom_hooks = [dict(type='GraSSHook', warmup_iters=20)]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
