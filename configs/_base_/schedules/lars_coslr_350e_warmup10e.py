# BYOL / MoCo v3 (ResNet-50) schedule: mmpretrain's LARS, momentum 0.9, weight decay 1e-6 (BN, biases and the
# downsample BN excluded from decay and trust ratio), linear warm-up over 10 epochs, then cosine decay per epoch
# (mmpretrain's imagenet_lars_coslr_200e.py; its MoCo v3 config steps the cosine per iteration instead).
# lr 0.3 for batch 256 = mmpretrain's 4.8 for batch 4096 (byol_resnet50_16xb256-coslr-200e_in1k.py,
# mocov3_resnet50_8xb512-amp-coslr-300e_in1k.py) scaled linearly.
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
    dict(type='CosineAnnealingLR', T_max=340, by_epoch=True, begin=10, end=350),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
auto_scale_lr = dict(base_batch_size=256)
