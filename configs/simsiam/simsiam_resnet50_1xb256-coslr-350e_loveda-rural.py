# SimSiam (mmpretrain's `SimSiam`) under the GraSS protocol on LoveDA Rural: the pretraining data, ResNet-50, batch
# 256 images on one GPU and 350 epochs of configs/grass/grass_resnet50_1xb256-coslr-350e_loveda-rural.py, with
# SimSiam's own model, views and optimiser from mmpretrain's reference config (lr scaled linearly to batch 256; see
# the bases and configs/simsiam/README.md).
_base_ = [
    '../_base_/models/simsiam_resnet50.py',
    '../_base_/datasets/loveda_rural_pretrain.py',
    '../_base_/datasets/rsi_views_mocov2.py',
    '../_base_/schedules/simsiam_sgd_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

# drop_last as in mmpretrain's reference data settings.
train_dataloader = dict(batch_size=256, drop_last=True, dataset=dict(pipeline={{_base_.mocov2_train_pipeline}}))
