# GraSS's two stages (spec §4): instance-discrimination warm-up for the first 10 % of the training length
# (35 of 350 epochs), then gradient guided sampling. The switch follows the schedule: change max_epochs or
# max_iters and the warm-up keeps its share. Fixed lengths: dict(type='GraSSHook', warmup_epochs=N) or
# warmup_iters=N. The SimCLR baselines inherit the GraSS configs with custom_hooks = [] (ID phase only).
custom_hooks = [dict(type='GraSSHook', warmup_ratio=0.1)]
