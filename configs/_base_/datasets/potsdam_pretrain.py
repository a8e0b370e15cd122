# Pretraining data: the 24 ISPRS Potsdam training tiles (6000 x 6000, 5 cm) written by
# tools/dataset_converters/potsdam.py as tiled GeoTIFFs; random 512 px windows read without slicing.
# 144 windows per tile and epoch = the 3456 patches of mmseg's 512 px grid.
_base_ = ['./rsi_folder_pretrain.py']

data_root = 'data/potsdam/'
train_dataloader = dict(
    dataset=dict(data_root=data_root, data_prefix='tiles/train', samples_per_image=144))
