# Fine-tuning data (mmseg): the Dubai aerial set (6 classes from meta.json, 255 = no-data ignored;
# 54 training / 18 validation images, split by tile). Symlink /path/to/dubai_aerial to data/dubai_aerial.
_base_ = ['./rsi_seg.py']

data_root = 'data/dubai_aerial/'
train_dataloader = dict(dataset=dict(dataset=dict(data_root=data_root)))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
