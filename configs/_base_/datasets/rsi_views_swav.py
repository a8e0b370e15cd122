# SwAV's multi-crop views (mmpretrain's swav_resnet50_8xb32-mcrop-coslr-200e_in1k-224px-96px.py) cut from random
# RSI windows (the loader of rsi_folder_pretrain.py): 2 large crops of 14-100 % of the window and 6 small crops of
# 5-14 %, each with colour jitter (0.8, 0.8, 0.8, 0.2) p 0.8, grayscale p 0.2, Gaussian blur p 0.5 and flip.
# `swav_train_pipeline`: 2 x 224 px + 6 x 96 px crops of 512 px windows (paper size; the small crops cover
# 115-190 px of the window, so they are downsampled, never upsampled); `swav_cpu_train_pipeline`: 2 x 96 px +
# 6 x 41 px crops of 256 px windows (CPU size, the same large : small ratio). A method config selects one:
#   train_dataloader = dict(dataset=dict(pipeline={{_base_.swav_train_pipeline}}))
swav_train_pipeline, swav_cpu_train_pipeline = [[
    dict(type='LoadRSIWindow', window_size=window_size),
    dict(type='MultiView', num_views=[2, 6], transforms=[[
        dict(type='RandomResizedCrop', scale=view_size, crop_ratio_range=ratio_range, backend='pillow'),
        dict(
            type='RandomApply',
            transforms=[dict(type='ColorJitter', brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)],
            prob=0.8),
        dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
        dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=0.5),
        dict(type='RandomFlip', prob=0.5),
    ] for view_size, ratio_range in ((large, (0.14, 1.)), (small, (0.05, 0.14)))]),
    dict(type='PackInputs'),
] for window_size, large, small in ((512, 224, 96), (256, 96, 41))]
