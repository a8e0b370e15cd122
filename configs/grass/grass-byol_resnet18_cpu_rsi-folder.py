# GraSS on BYOL at CPU size on a folder of RSI images: the BYOL CPU baseline
# (configs/byol/byol_resnet18_cpu_rsi-folder.py: ResNet-18, 96 px views from random 256 px windows, batch 8,
# 60 iterations; minutes on 2 cores) with gradient guided sampling after an ID warm-up of the first third (20
# iterations), as configs/grass/grass_resnet18_cpu_rsi-folder.py. Change train_cfg.max_iters alone: the schedule
# and the switch keep their shares. Point it at your images:
#   python tools/train.py configs/grass/grass-byol_resnet18_cpu_rsi-folder.py \
#       --cfg-options train_dataloader.dataset.data_root=../shared/data/dubai_aerial/images
_base_ = ['../byol/byol_resnet18_cpu_rsi-folder.py']

# GraSSBYOL with the plug-in's defaults, which are GraSS's sampling (spec §3):
# sampler=dict(type='GradientGuidedSampler', threshold_ratio=0.5, interpolation='nearest', min_box_size=0.0,
# region_rule='peak'), localize_scale=1.0 (guide pass at full resolution), guide_updates_bn=False (BN statistics
# updated once per step, by the training pass), guide_target='online' (the other view's target is the online branch
# with stop-gradient; 'momentum' uses the base's momentum branch), guide_dtype=None (float32 guide pass; 'bfloat16' or
# 'float16' runs its backbone forward in low precision, cheaper). Any of them can be set here;
# configs/grass/README.md explains each.
model = dict(type='GraSSBYOL')
custom_hooks = [dict(type='GraSSHook', warmup_ratio=1 / 3)]
