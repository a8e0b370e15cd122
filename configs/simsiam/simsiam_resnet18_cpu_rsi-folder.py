# SimSiam at CPU size on a folder of RSI images, the counterpart of configs/grass/grass_resnet18_cpu_rsi-folder.py
# (minutes on 2 cores): ResNet-18, 96 px views cut from random 256 px windows, batch 8 images, 60 iterations;
# mmpretrain's `SimSiam` with the reference's views, SGD cosine schedule and fixed predictor lr (SimSiamHook,
# set before every iteration here since the schedule steps per iteration).
# CPU-size choices: BN instead of SyncBN, projector 512-512-512 and predictor 512-128-512 (ResNet-18's 512
# channels in place of 2048, the predictor's 4x bottleneck kept), lr 0.05 scaled linearly from batch 256 to 8.
# Point it at your images:
#   python tools/train.py configs/simsiam/simsiam_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = [
    '../_base_/models/simsiam_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/datasets/rsi_views_mocov2.py',
    '../_base_/schedules/simsiam_sgd_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

model = dict(
    backbone=dict(depth=18, norm_cfg=dict(type='BN')),
    neck=dict(in_channels=512, hid_channels=512, out_channels=512, norm_cfg=dict(type='BN1d')),
    head=dict(predictor=dict(in_channels=512, hid_channels=128, out_channels=512, norm_cfg=dict(type='BN1d'))))

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    dataset=dict(data_root='data/demo/images', pipeline={{_base_.mocov2_cpu_train_pipeline}}))

lr = 0.05 * 8 / 256
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=False)]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
auto_scale_lr = dict(base_batch_size=8)
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr, adjust_by_epoch=False)]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
