# Template: GraSS with the paper's settings (spec §2-§4) on your own tiles, any folder of unlabeled RSI images
# (png, jpg, jpeg, tif, tiff; any size; sub-folders included). ResNet-50, batch 256 images (512 views) on one
# GPU, NT-Xent temperature 0.5, LARS lr 4.8 with 10 % linear warm-up then cosine, 350 epochs; ID warm-up for the
# first 10 %, then gradient guided sampling (r = 0.5, nearest crop resize).
#
# The settings you change, one place each:
#   data root     --data-root /path/to/tiles (train_dataloader.dataset.data_root; default below)
#   epoch size    train_dataloader.dataset.samples_per_image: random windows read per image and epoch (large
#                 tiles: about (tile area) / window_size^2, so that an epoch covers each tile once)
#   window/views  window_size (512) of ../_base_/datasets/rsi_folder_pretrain.py; 224 px views
#   bands/values  the loader's band and value settings (LoadRSIWindow, docs/datasets.md)
#   mean/std      model.data_preprocessor (../_base_/models/grass_resnet50.py); fine-tune with the same
#   length        train_cfg.max_epochs: the lr warm-up, the cosine and the ID warm-up follow it
#   GPUs          bash tools/dist_train.sh THIS_CONFIG 8 --auto-scale-lr (global batch 8 x 256, lr scaled to
#                 it); without --auto-scale-lr keep the paper's global batch: train_dataloader.batch_size=32
_base_ = [
    '../_base_/models/grass_resnet50.py',
    '../_base_/datasets/rsi_folder_pretrain.py',
    '../_base_/schedules/lars_coslr_350e.py',
    '../_base_/pretrain_runtime.py',
    '../_base_/grass_warmup.py',
]
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

train_dataloader = dict(batch_size=256, dataset=dict(data_root='data/my_tiles', samples_per_image=4))
