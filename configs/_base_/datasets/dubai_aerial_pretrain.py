# Pretraining data: the training images of the Dubai aerial set (or of the demo set, same layout), listed
# by splits/train.txt so that validation images stay unseen; 54 JPEGs of 509 x 544 up to 2149 x 1480 px,
# 4 random 512 px windows per image and epoch.
_base_ = ['./rsi_folder_pretrain.py']

data_root = 'data/dubai_aerial/'
train_dataloader = dict(
    dataset=dict(
        data_root=data_root, data_prefix='images', ann_file='splits/train.txt', samples_per_image=4))
