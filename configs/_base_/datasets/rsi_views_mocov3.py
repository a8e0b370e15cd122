# The two asymmetric views of mmpretrain's imagenet_bs512_mocov3.py (MoCo v3) cut from random RSI windows (the
# loader of rsi_folder_pretrain.py): crops of 20-100 % of the window, colour jitter (0.4, 0.4, 0.2, 0.1) p 0.8,
# grayscale p 0.2, flip; view 1 always blurred and never solarized, view 2 blurred with p 0.1 and solarized
# with p 0.2.
# `mocov3_train_pipeline`: 224 px views of 512 px windows (paper size); `mocov3_cpu_train_pipeline`: 96 px views
# of 256 px windows (CPU size, as configs/grass/grass_resnet18_cpu_rsi-folder.py). A method config selects one:
#   train_dataloader = dict(dataset=dict(pipeline={{_base_.mocov3_train_pipeline}}))
mocov3_train_pipeline, mocov3_cpu_train_pipeline = [[
    dict(type='LoadRSIWindow', window_size=window_size),
    dict(type='MultiView', num_views=[1, 1], transforms=[[
        dict(type='RandomResizedCrop', scale=view_size, crop_ratio_range=(0.2, 1.), backend='pillow'),
        dict(
            type='RandomApply',
            transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)],
            prob=0.8),
        dict(type='RandomGrayscale', prob=0.2, keep_channels=True, channel_weights=(0.114, 0.587, 0.2989)),
        dict(type='GaussianBlur', magnitude_range=(0.1, 2.0), magnitude_std='inf', prob=blur_prob),
        dict(type='Solarize', thr=128, prob=solarize_prob),
        dict(type='RandomFlip', prob=0.5),
    ] for blur_prob, solarize_prob in ((1.0, 0.0), (0.1, 0.2))]),
    dict(type='PackInputs'),
] for window_size, view_size in ((512, 224), (256, 96))]
