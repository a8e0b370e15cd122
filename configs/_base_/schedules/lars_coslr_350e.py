# GraSS paper schedule (spec §2): LARS (trust 0.001), momentum 0.9, weight decay 1e-6, lr 4.8 for batch 256,
# linear warm-up over the first 10 % of the epochs, then cosine decay to the last epoch; 350 epochs.
# The bounds are fractions of train_cfg.max_epochs (begin_ratio/end_ratio, resolved by tools/train.py through
# grass_mm.utils.schedule.fit_schedule; the cosine's end and T_max default to the end of training in mmengine):
# change max_epochs alone and the warm-up stays 10 % and the cosine still ends at the last epoch.
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
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end_ratio=0.1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin_ratio=0.1),
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
# lr 4.8 is for a global batch of 256 images; tools/train.py --auto-scale-lr multiplies it by
# (number of GPUs x train_dataloader.batch_size) / 256.
auto_scale_lr = dict(base_batch_size=256)
