# Fine-tuning data (mmseg): LoveDA Urban only (the GraSS paper trains and evaluates each domain apart),
# from tools/dataset_converters/loveda.py, read by LoveDADomainDataset (mmseg's LoveDADataset classes:
# 7 classes, mask value 0 = no-data ignored). Pipelines as mmseg's loveda.py with LoadRSIImage
# (rasterio, the raster rule) and LoadRSIAnnotations.
# The training set is wrapped in LabelFractionDataset (train_dataloader.dataset.fraction / .seed).
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)

dataset_type = 'LoveDADomainDataset'
domain = 'urban'
data_root = 'data/loveda/'
crop_size = (512, 512)
# The raster rule of both loader entries (bands, value_range or percentiles, nodata: docs/datasets.md). Give
# the pretraining config of the same data the same rule: pretraining and fine-tuning then see the same pixels.
raster = dict(bands=None, value_range=None, percentiles=None, nodata=None)
train_pipeline = [
    dict(type='LoadRSIImage', **raster),
    dict(type='LoadRSIAnnotations', num_classes=7),
    dict(type='RandomResize', scale=(2048, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    # validation cannot skip a sample (mmengine refuses None at test time): an unusable image raises
    dict(type='LoadRSIImage', on_corrupt='raise', **raster),
    dict(type='Resize', scale=(1024, 1024), keep_ratio=True),
    dict(type='LoadRSIAnnotations', num_classes=7),
    dict(type='PackSegInputs')
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
            type=dataset_type, domain=domain, split='train', data_root=data_root,
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, domain=domain, split='val', data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
