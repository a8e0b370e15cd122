# BYOL at CPU size on a folder of RSI images, the counterpart of configs/grass/grass_resnet18_cpu_rsi-folder.py
# (minutes on 2 cores): ResNet-18, 96 px views cut from random 256 px windows, batch 8 images, 60 iterations;
# mmpretrain's `BYOL` with the reference's asymmetric views, cosine target momentum (0.99 -> 1) and LARS schedule
# (linear warm-up over the first 10/350 of training (2 of 60 iterations), 10 of 350 epochs at paper size, then cosine).
# CPU-size choices: BN instead of SyncBN, projector 512-1024-256 and predictor 256-1024-256 (the hidden width
# 4096 / 4 as ResNet-18 has 512 channels in place of 2048), lr 0.3 (batch 256) scaled linearly to batch 8.
# Point it at your images:
#   python tools/train.py configs/byol/byol_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = [
    '../_base_/models/byol_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/datasets/rsi_views_byol.py',
    '../_base_/schedules/lars_coslr_350e_warmup10e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

model = dict(
    backbone=dict(depth=18, norm_cfg=dict(type='BN')),
    neck=dict(in_channels=512, hid_channels=1024, norm_cfg=dict(type='BN1d')),
    head=dict(predictor=dict(hid_channels=1024, norm_cfg=dict(type='BN1d'))))

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(data_root='data/demo/images', pipeline={{_base_.byol_cpu_train_pipeline}}))

optim_wrapper = dict(optimizer=dict(lr=0.3 * 8 / 256))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end_ratio=10 / 350),
    dict(type='CosineAnnealingLR', by_epoch=False, begin_ratio=10 / 350),
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
auto_scale_lr = dict(base_batch_size=8)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
