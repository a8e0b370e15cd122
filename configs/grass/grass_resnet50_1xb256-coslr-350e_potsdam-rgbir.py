# GraSS with the paper's settings (spec §2-§4) on 4-band ISPRS Potsdam tiles (R, G, B, IR): as
# grass_resnet50_1xb256-coslr-350e_potsdam.py, with a 4-channel ResNet-50 stem (in_channels = the raster
# rule's band count), the per-band BandDataPreprocessor of the dataset base and its N-band views.
# The extracted backbone fine-tunes with
# configs/benchmarks/deeplabv3plus/deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-rgbir-256x256.py.
_base_ = [
    '../_base_/models/grass_resnet50.py',
    '../_base_/datasets/potsdam_rgbir_pretrain.py',
    '../_base_/schedules/lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
    '../_base_/grass_warmup.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

model = dict(
    backbone=dict(in_channels=len(_base_.raster['bands'])),
    data_preprocessor=_base_.data_preprocessor)
train_dataloader = dict(batch_size=256)
