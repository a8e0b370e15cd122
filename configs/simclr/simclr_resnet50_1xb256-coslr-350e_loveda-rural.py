# The SimCLR baseline of configs/grass/grass_resnet50_1xb256-coslr-350e_loveda-rural.py: the same model, data and
# schedule without GraSSHook, i.e. instance discrimination (SimCLR, temperature 0.5) for all 350 epochs.
_base_ = ['../grass/grass_resnet50_1xb256-coslr-350e_loveda-rural.py']

custom_hooks = []
