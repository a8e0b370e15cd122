# Pretraining data, 4 bands: the ISPRS Potsdam training tiles of 4_Ortho_RGBIR.zip (R, G, B, IR, 8 bit),
# written by `python -m tools.dataset_converters.potsdam ZIP_DIR -o data/potsdam_rgbir --image-zip
# 4_Ortho_RGBIR.zip --all-bands`; random 512 px windows as potsdam_pretrain.py. The fine-tuning base of the
# same data is potsdam_rgbir_seg.py: keep `raster`, `band_mean` and `band_std` the same in both.
_base_ = ['./potsdam_pretrain.py']

data_root = 'data/potsdam_rgbir/'
raster = dict(bands=(0, 1, 2, 3), value_range=None, percentiles=None, nodata=None)
# Preprocessor mean and std per band, in the order of `bands` (0-255 scale). R, G, B: ImageNet's, as the 3-band
# configs; IR: a placeholder (the mean of the three, not measured: no Potsdam data here). Compute the real
# values with `python tools/compute_band_stats.py data/potsdam_rgbir/tiles/train --config CONFIG`.
band_mean = [123.675, 116.28, 103.53, 114.495]
band_std = [58.395, 57.12, 57.375, 57.63]
# mmengine's preprocessors take 1 or 3 mean values: BandDataPreprocessor takes one per band (listed order)
data_preprocessor = dict(type='BandDataPreprocessor', mean=band_mean, std=band_std, to_rgb=False)

# The SimCLR views of rsi_folder_pretrain.py, with each transform's N-band behaviour: crops resized and blurred
# band by band by Pillow (BandwiseApply), brightness and contrast jittered per band (saturation and hue are
# colour operations), grayscale = the mean of all bands.
view_pipeline = [
    dict(
        type='BandwiseApply',
        transforms=[dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0), backend='pillow')]),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='BandColorJitter',
                brightness=0.8,
                contrast=0.8,
                saturation=0.8,
                hue=0.2,
                n_band_mode='per_band')
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(1.0, ) * len(raster['bands'])),
    dict(
        type='BandwiseApply',
        transforms=[dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.5)]),
]
train_pipeline = [
    dict(type='LoadRSIWindow', window_size=_base_.window_size, on_corrupt='skip', **raster),
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs')
]
train_dataloader = dict(dataset=dict(data_root=data_root, pipeline=train_pipeline))
