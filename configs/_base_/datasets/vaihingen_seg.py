# Fine-tuning data (mmseg): ISPRS Vaihingen patches written by tools/dataset_converters/vaihingen.py,
# read by mmseg's ISPRSDataset; otherwise as potsdam_seg.py.
_base_ = ['./potsdam_seg.py']

dataset_type = 'ISPRSDataset'
data_root = 'data/vaihingen/'
train_dataloader = dict(dataset=dict(dataset=dict(type=dataset_type, data_root=data_root)))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
