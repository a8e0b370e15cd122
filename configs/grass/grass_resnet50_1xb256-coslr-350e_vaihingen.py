# GraSS with the paper's settings (spec §2-§4) on vaihingen: ResNet-50, batch 256 images (512 views) on one GPU,
# NT-Xent temperature 0.5, LARS lr 4.8 with 10 % linear warm-up then cosine, 350 epochs; ID warm-up for the
# first 35 epochs (10 %), then gradient guided sampling (r = 0.5, nearest crop resize).
_base_ = [
    '../_base_/models/grass_resnet50.py',
    '../_base_/datasets/vaihingen_pretrain.py',
    '../_base_/schedules/lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
    '../_base_/grass_warmup.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

train_dataloader = dict(batch_size=256)
