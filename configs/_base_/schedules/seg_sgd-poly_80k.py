# mmseg's standard DeepLabV3+ schedule: SGD lr 0.01 with poly decay, 80k iterations (4 GPUs x 4 images).
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
# The poly decay ends with training: its `end` defaults to train_cfg.max_iters (mmengine), so changing max_iters
# alone keeps the schedule's shape (tools/train.py refuses a schedule that ends before training does).
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=80000, val_interval=8000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# lr 0.01 is for a global batch of 16 images (4 GPUs x 4); tools/train.py --auto-scale-lr multiplies it by
# (number of GPUs x train_dataloader.batch_size) / 16.
auto_scale_lr = dict(enable=False, base_batch_size=16)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic_local: a checkpoint is written to a temporary file and renamed, never left truncated.
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=8000, max_keep_ckpts=2,
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
