# As deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py, with the whole network fine-tuned.
_base_ = './deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'
model = dict(backbone=dict(frozen_stages=-1, norm_eval=False))
