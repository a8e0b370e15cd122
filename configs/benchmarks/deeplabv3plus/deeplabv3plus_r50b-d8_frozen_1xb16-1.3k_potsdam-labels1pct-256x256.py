# As deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-256x256.py,
# trained on 1 % of the training images (a deterministic, seeded subset: LabelFractionDataset; change the
# subset with train_dataloader.dataset.seed).
_base_ = './deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-256x256.py'
train_dataloader = dict(dataset=dict(fraction=0.01, seed=0))
