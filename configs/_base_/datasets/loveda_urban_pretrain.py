# Pretraining data: LoveDA Urban training images (1024 x 1024 PNG, 0.3 m), the folder
# img_dir/train/urban written by tools/dataset_converters/loveda.py; 4 random 512 px windows per image.
_base_ = ['./rsi_folder_pretrain.py']

data_root = 'data/loveda/'
train_dataloader = dict(
    dataset=dict(data_root=data_root, data_prefix='img_dir/train/urban', samples_per_image=4))
