# The SimCLR baseline of configs/grass/grass_resnet50_1xb256-coslr-350e_rsi-folder.py (your own tiles): the same
# model, data and schedule without GraSSHook, i.e. instance discrimination (SimCLR, temperature 0.5) throughout.
_base_ = ['../grass/grass_resnet50_1xb256-coslr-350e_rsi-folder.py']

custom_hooks = []
