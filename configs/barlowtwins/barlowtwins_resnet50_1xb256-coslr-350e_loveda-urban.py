# Barlow Twins (mmpretrain's `BarlowTwins`) under the GraSS protocol on LoveDA Urban: the pretraining data, ResNet-50,
# batch 256 images on one GPU and 350 epochs of configs/grass/grass_resnet50_1xb256-coslr-350e_loveda-urban.py, with
# Barlow Twins's own model, views and optimiser from mmpretrain's reference config (lr scaled linearly to batch 256;
# see the bases and configs/barlowtwins/README.md).
_base_ = [
    '../_base_/models/barlowtwins_resnet50.py',
    '../_base_/datasets/loveda_urban_pretrain.py',
    '../_base_/datasets/rsi_views_byol.py',
    '../_base_/schedules/barlowtwins_lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

train_dataloader = dict(batch_size=256, dataset=dict(pipeline={{_base_.byol_train_pipeline}}))
