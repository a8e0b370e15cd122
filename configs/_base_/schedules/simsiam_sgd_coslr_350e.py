# SimSiam schedule (mmpretrain's simsiam_resnet50_8xb32-coslr-200e_in1k.py) for 350 epochs: SGD lr 0.05 for
# batch 256 (mmpretrain's 8 x 32 = 256, so unscaled), momentum 0.9, weight decay 1e-4, cosine decay per epoch;
# the predictor keeps the base lr (SimSiam's fix_pred_lr), set by mmpretrain's SimSiamHook before every epoch.
_base_ = ['./sgd_coslr_350e.py']

lr = 0.05
optim_wrapper = dict(optimizer=dict(lr=lr), paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr)]
