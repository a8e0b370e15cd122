# Fine-tuning data (mmseg), 4 bands: ISPRS Potsdam RGBIR patches (R, G, B, IR, GeoTIFF) written by
# `python -m tools.dataset_converters.potsdam ZIP_DIR -o data/potsdam_rgbir --image-zip 4_Ortho_RGBIR.zip
# --all-bands`, read by mmseg's PotsdamDataset; otherwise as potsdam_seg.py. `raster`, `band_mean` and
# `band_std` are those of potsdam_rgbir_pretrain.py: pretraining and fine-tuning see the same pixels.
# PhotoMetricDistortion is left out: its saturation and hue steps convert to HSV, which needs 3 channels.
_base_ = ['./potsdam_seg.py']

data_root = 'data/potsdam_rgbir/'
raster = dict(bands=(0, 1, 2, 3), value_range=None, percentiles=None, nodata=None)
band_mean = [123.675, 116.28, 103.53, 114.495]  # see potsdam_rgbir_pretrain.py
band_std = [58.395, 57.12, 57.375, 57.63]
train_pipeline = [
    dict(type='LoadRSIImage', **raster),
    dict(type='LoadRSIAnnotations', num_classes=6),
    dict(type='RandomResize', scale=(512, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=_base_.crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadRSIImage', on_corrupt='raise', **raster),
    dict(type='Resize', scale=(512, 512), keep_ratio=True),
    dict(type='LoadRSIAnnotations', num_classes=6),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(dataset=dict(data_root=data_root, img_suffix='.tif', pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(data_root=data_root, img_suffix='.tif', pipeline=test_pipeline))
test_dataloader = val_dataloader
