# SwAV at CPU size on a folder of RSI images, the counterpart of configs/grass/grass_resnet18_cpu_rsi-folder.py
# (minutes on 2 cores): ResNet-18, multi-crop views cut from random 256 px windows (2 x 96 px + 6 x 41 px, the
# reference's 224 : 96 ratio), batch 8 images, 60 iterations; mmpretrain's `SwAV` with the reference's
# prototypes (3000), Sinkhorn codes, temperature 0.1 and LARS cosine schedule.
# CPU-size choices: BN instead of SyncBN, neck 512-512-128 (ResNet-18's 512 channels in place of 2048), lr 0.6 and
# eta_min 6e-4 (batch 256) scaled linearly to batch 8; SwAVHook's queue of 120 features (15 batches of 8, as 3840
# = 15 x 256) starts at once (an iteration-based loop has one epoch; the queue is used once full), and the
# prototypes stay frozen for the first 6 iterations (one epoch of a 54-image folder such as the Dubai train
# split at batch 8; one epoch at paper size). Point it at your images:
#   python tools/train.py configs/swav/swav_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = [
    '../_base_/models/swav_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/datasets/rsi_views_swav.py',
    '../_base_/schedules/swav_lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

model = dict(
    backbone=dict(depth=18, norm_cfg=dict(type='BN')),
    neck=dict(in_channels=512, hid_channels=512, norm_cfg=dict(type='BN1d')))

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    dataset=dict(data_root='data/demo/images', pipeline={{_base_.swav_cpu_train_pipeline}}))

optim_wrapper = dict(optimizer=dict(lr=0.6 * 8 / 256))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=6e-4 * 8 / 256, by_epoch=False)]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
auto_scale_lr = dict(base_batch_size=8)
custom_hooks = [
    dict(type='SwAVHook', priority='VERY_HIGH', batch_size=8, epoch_queue_starts=0, crops_for_assign=[0, 1],
         feat_dim=128, queue_length=120, frozen_layers_cfg=dict(prototypes=6))
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
