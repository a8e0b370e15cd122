# SwAV schedule (mmpretrain's swav_resnet50_8xb32-mcrop-coslr-200e_in1k-224px-96px.py) for 350 epochs: LARS
# lr 0.6 for batch 256 (mmpretrain's 8 x 32 = 256, so unscaled), momentum 0.9, weight decay 1e-6, no
# parameter-wise exclusions, no warm-up; cosine decay per iteration to eta_min 6e-4.
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='LARS', lr=0.6, momentum=0.9, weight_decay=1e-6))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=350, eta_min=6e-4, by_epoch=True, begin=0, end=350,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
auto_scale_lr = dict(base_batch_size=256)
