# MoCo v2 at CPU size on a folder of RSI images, the counterpart of configs/grass/grass_resnet18_cpu_rsi-folder.py
# (minutes on 2 cores): ResNet-18, 96 px views cut from random 256 px windows, batch 8 images, 60 iterations;
# mmpretrain's `MoCo` with the reference's views, temperature 0.2, momentum 0.001 and SGD cosine schedule.
# CPU-size choices: neck 512-512-128 (ResNet-18's 512 channels in place of 2048), a queue of 256 keys (32 batches,
# so that real keys replace the random initial ones within the run; 65536 at paper size), lr 0.03 scaled linearly
# from batch 256 to 8. Point it at your images:
#   python tools/train.py configs/mocov2/mocov2_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = [
    '../_base_/models/mocov2_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/datasets/rsi_views_mocov2.py',
    '../_base_/schedules/sgd_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

model = dict(queue_len=256, backbone=dict(depth=18), neck=dict(in_channels=512, hid_channels=512))

# drop_last: the queue takes whole batches (its length must be a multiple of the batch)
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    dataset=dict(data_root='data/demo/images', pipeline={{_base_.mocov2_cpu_train_pipeline}}))

optim_wrapper = dict(optimizer=dict(lr=0.03 * 8 / 256))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=False)]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=60)
auto_scale_lr = dict(base_batch_size=8)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
