# The SimCLR baseline of configs/grass/grass_resnet18_cpu_rsi-folder.py: the same model, data and schedule
# without GraSSHook, so the model stays in the ID phase (SimCLR, temperature 0.5) for all iterations and the
# two runs differ only in gradient guided sampling.
_base_ = ['../grass/grass_resnet18_cpu_rsi-folder.py']

custom_hooks = []
