# As deeplabv3plus_r50b-d8_4xb4-80k_loveda-urban-512x512.py, with the backbone frozen (all stages, BN statistics included).
_base_ = './deeplabv3plus_r50b-d8_4xb4-80k_loveda-urban-512x512.py'
model = dict(backbone=dict(frozen_stages=4, norm_eval=True))
