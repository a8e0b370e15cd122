# MoCo v2 / DenseCL schedule (mmpretrain's imagenet_sgd_coslr_200e.py) for the GraSS protocol's 350 epochs:
# SGD lr 0.03 for batch 256 (mmpretrain's 8 x 32 = 256, so unscaled), momentum 0.9, weight decay 1e-4, cosine
# decay per epoch to 0, no warm-up.
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.03, weight_decay=1e-4, momentum=0.9))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=350, by_epoch=True, begin=0, end=350)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=350)
auto_scale_lr = dict(base_batch_size=256)
