# Fine-tuning data (mmseg): LoveDA Rural only; otherwise as loveda_urban_seg.py.
_base_ = ['./loveda_urban_seg.py']

domain = 'rural'
train_dataloader = dict(dataset=dict(dataset=dict(domain=domain)))
val_dataloader = dict(dataset=dict(domain=domain))
test_dataloader = val_dataloader
