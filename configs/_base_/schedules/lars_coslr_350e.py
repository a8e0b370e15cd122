# GraSS paper schedule (spec §2): LARS (trust 0.001), momentum 0.9, weight decay 1e-6, lr 4.8 for batch 256,
# linear warm-up over the first 10 % of the epochs, then cosine decay; 350 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='LARS', lr=4.8, momentum=0.9, weight_decay=1e-6, eta=0.001),
    paramwise_cfg=dict(
        custom_keys={
            'bn': dict(decay_mult=0, lars_exclude=True),
            'bias': dict(decay_mult=0, lars_exclude=True),
            'downsample.1': dict(decay_mult=0, lars_exclude=True),
        }))

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=35, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=315, by_epoch=True, begin=35, end=350),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
auto_scale_lr = dict(base_batch_size=256)
