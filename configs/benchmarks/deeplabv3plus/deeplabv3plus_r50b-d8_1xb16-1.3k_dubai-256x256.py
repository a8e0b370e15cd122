# As deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_dubai-256x256.py, with the whole network fine-tuned.
_base_ = './deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_dubai-256x256.py'
model = dict(backbone=dict(frozen_stages=-1, norm_eval=False))
