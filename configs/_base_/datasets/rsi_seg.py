# Fine-tuning data (mmseg): a labelled RSI set described by meta.json (images/, masks/, splits/, meta.json),
# e.g. users' own tiles, the Dubai aerial set or the demo set. LoadRSIImage reads the images (rasterio, the
# raster rule below); LoadRSIAnnotations is mmseg's LoadAnnotations plus checks (mask size vs image, label
# values vs the classes of meta.json).
# The training set is wrapped in LabelFractionDataset: set train_dataloader.dataset.fraction (e.g. 0.01)
# and .seed for a deterministic label-fraction subset; the inner dataset is train_dataloader.dataset.dataset.
# The data root is therefore train_dataloader.dataset.dataset.data_root, val_dataloader.dataset.data_root and
# test_dataloader.dataset.data_root (tools/train.py and tools/test.py --data-root DIR set all of them).
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)

dataset_type = 'RSISegDataset'
data_root = 'data/rsi_seg/'
crop_size = (512, 512)
# The raster rule of both loader entries (bands, value_range or percentiles, nodata: docs/datasets.md). Give
# the pretraining config of the same data the same rule: pretraining and fine-tuning then see the same pixels.
raster = dict(bands=None, value_range=None, percentiles=None, nodata=None)
train_pipeline = [
    dict(type='LoadRSIImage', **raster),
    dict(type='LoadRSIAnnotations'),
    dict(type='RandomResize', scale=(1024, 1024), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    # validation cannot skip a sample (mmengine refuses None at test time): an unusable image raises
    dict(type='LoadRSIImage', on_corrupt='raise', **raster),
    dict(type='Resize', scale=(1024, 1024), keep_ratio=True),
    dict(type='LoadRSIAnnotations'),
    dict(type='PackSegInputs')
]
# Test-time augmentation (tools/test.py --tta), as mmseg's dataset configs: multi-scale and flip, with the test
# pipeline's image loader.
img_ratios = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
tta_pipeline = [
    test_pipeline[0],
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale_factor=r, keep_ratio=True) for r in img_ratios],
            [dict(type='RandomFlip', prob=0., direction='horizontal'),
             dict(type='RandomFlip', prob=1., direction='horizontal')],
            [dict(type='LoadRSIAnnotations')],
            [dict(type='PackSegInputs')],
        ])
]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='LabelFractionDataset',
        fraction=1.0,
        seed=0,
        dataset=dict(
            type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
