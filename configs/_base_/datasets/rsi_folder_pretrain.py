# Pretraining data: a folder tree of unlabeled RSI images (png, jpg, jpeg, tif, tiff, jp2, vrt; any size).
# Each sample is one random window of `window_size` px read from an image (rasterio: tiled GeoTIFFs are read
# window by window; windows are drawn inside valid data), then two SimCLR views exactly as mmpretrain's
# imagenet_bs32_simclr.py (GraSS method spec §2).
# The data root is train_dataloader.dataset.data_root, the folder of images (tools/train.py --data-root DIR
# sets it). Normalisation (mean/std) is the model's: model.data_preprocessor in ../models/grass_resnet50.py.
custom_imports = dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)

dataset_type = 'RSIImageFolder'
window_size = 512
# The raster rule (grass_mm.rsi.raster_rule.RasterRule), set here once for the loader entries below: `bands`
# (stored-band indices, any length = the network's input channels), `value_range=(low, high)` or
# `percentiles` for data that is not 8-bit, `nodata` (a no-data value the files do not declare). Defaults:
# the first three bands of 8-bit images, the files' own nodata, mask or alpha.
raster = dict(bands=None, value_range=None, percentiles=None, nodata=None)

view_pipeline = [
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0), backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.8,
                contrast=0.8,
                saturation=0.8,
                hue=0.2)
        ],
        prob=0.8),
    dict(
        type='RandomGrayscale',
        prob=0.2,
        keep_channels=True,
        channel_weights=(0.114, 0.587, 0.2989)),
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_std='inf',
        prob=0.5),
]

train_pipeline = [
    dict(type='LoadRSIWindow', window_size=window_size, on_corrupt='skip', **raster),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs')
]

train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type,
        data_root='data/rsi_folder/',
        samples_per_image=1,
        pipeline=train_pipeline))
