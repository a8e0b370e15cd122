# SwAV (mmpretrain's `SwAV`) under the GraSS protocol on LoveDA Rural: the pretraining data, ResNet-50, batch 256
# images on one GPU and 350 epochs of configs/grass/grass_resnet50_1xb256-coslr-350e_loveda-rural.py, with SwAV's own
# model, views and optimiser from mmpretrain's reference config (lr scaled linearly to batch 256; see the bases and
# configs/swav/README.md).
_base_ = [
    '../_base_/models/swav_resnet50.py',
    '../_base_/datasets/loveda_rural_pretrain.py',
    '../_base_/datasets/rsi_views_swav.py',
    '../_base_/schedules/swav_lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

# drop_last as in mmpretrain's reference data settings.
train_dataloader = dict(batch_size=256, drop_last=True, dataset=dict(pipeline={{_base_.swav_train_pipeline}}))
# mmpretrain's SwAVHook as in the reference: a queue of 3840 features (15 batches of 256) from epoch 15 on, and the
# prototypes frozen for the first epoch (5464 windows // 256 = 21 iterations; mmpretrain: 5005, one ImageNet epoch).
custom_hooks = [
    dict(type='SwAVHook', priority='VERY_HIGH', batch_size=256, epoch_queue_starts=15, crops_for_assign=[0, 1],
         feat_dim=128, queue_length=3840, frozen_layers_cfg=dict(prototypes=21))
]
