# Barlow Twins schedule (mmpretrain's barlowtwins_resnet50_8xb256-coslr-300e_in1k.py) for 350 epochs: LARS,
# momentum 0.9, weight decay 1e-6, BN and biases at lr x 0.024 without decay or trust ratio; linear warm-up over
# 10 epochs from lr x 1.6e-4, then cosine decay to eta_min. lr 0.2 and eta_min 2e-4 for batch 256 = mmpretrain's
# 1.6 and 0.0016 for batch 2048 scaled linearly.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='LARS', lr=0.2, momentum=0.9, weight_decay=1e-6),
    paramwise_cfg=dict(
        custom_keys={
            'bn': dict(decay_mult=0, lr_mult=0.024, lars_exclude=True),
            'bias': dict(decay_mult=0, lr_mult=0.024, lars_exclude=True),
            'downsample.1': dict(decay_mult=0, lr_mult=0.024, lars_exclude=True),
        }))
param_scheduler = [
    dict(type='LinearLR', start_factor=1.6e-4, by_epoch=True, begin=0, end=10, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=340, eta_min=2e-4, by_epoch=True, begin=10, end=350,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
auto_scale_lr = dict(base_batch_size=256)
