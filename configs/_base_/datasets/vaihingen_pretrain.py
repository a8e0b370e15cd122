# Pretraining data: the 16 ISPRS Vaihingen training tiles (about 2000 x 2500, 9 cm, IRRG) written by
# tools/dataset_converters/vaihingen.py as tiled GeoTIFFs; random 512 px windows (20 per tile and epoch).
# IRRG bands go to the network as they are stored (IR, R, G), as in mmseg's Vaihingen setting.
_base_ = ['./rsi_folder_pretrain.py']

data_root = 'data/vaihingen/'
train_dataloader = dict(
    dataset=dict(data_root=data_root, data_prefix='tiles/train', samples_per_image=20))
