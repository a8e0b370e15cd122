# MoCo v3 (mmpretrain's `MoCoV3`) under the GraSS protocol on ISPRS Vaihingen: the pretraining data, ResNet-50, batch
# 256 images on one GPU and 350 epochs of configs/grass/grass_resnet50_1xb256-coslr-350e_vaihingen.py, with MoCo v3's
# own model, views and optimiser from mmpretrain's reference config (lr scaled linearly to batch 256; see the bases
# and configs/mocov3/README.md).
_base_ = [
    '../_base_/models/mocov3_resnet50.py',
    '../_base_/datasets/vaihingen_pretrain.py',
    '../_base_/datasets/rsi_views_mocov3.py',
    '../_base_/schedules/lars_coslr_350e_warmup10e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

train_dataloader = dict(batch_size=256, dataset=dict(pipeline={{_base_.mocov3_train_pipeline}}))
