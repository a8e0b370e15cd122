# Runtime shared by the GraSS and SimCLR pretraining configs (mmpretrain scope; never imports mmseg).
# `custom_imports` (grass_mm.pretrain) is set by the dataset bases and repeated in each top-level config.
default_scope = 'mmpretrain'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic_local: a checkpoint is written to a temporary file and renamed, never left truncated.
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=3,
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # stop at the first NaN/inf loss or parameter, before that state is checkpointed (docs/reliability.md)
    nonfinite=dict(type='NonFiniteLossHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)
log_processor = dict(window_size=10)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
