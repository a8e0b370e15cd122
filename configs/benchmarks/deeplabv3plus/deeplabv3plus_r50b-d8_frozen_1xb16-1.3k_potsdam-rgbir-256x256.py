# DeepLabV3+ R50-D8 with the backbone frozen (the GraSS authors' downstream protocol, as
# deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-256x256.py) on 4-band ISPRS Potsdam RGBIR patches: the
# ResNet stem takes the raster rule's 4 bands, the preprocessor normalises each band (no RGB swap).
# Backbone: one extracted from grass_resnet50_1xb256-coslr-350e_potsdam-rgbir.py (tools/extract_backbone.py;
# its 4-channel stem loads as it is), set with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/grass_r50_rgbir/backbone.pth
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8.py',
    '../../_base_/datasets/potsdam_rgbir_seg.py',
    '../../_base_/seg_runtime.py',
    '../../_base_/schedules/seg_sgd-poly_1.3k.py',
]
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)
crop_size = (256, 256)
data_preprocessor = dict(size=crop_size, mean=_base_.band_mean, std=_base_.band_std, bgr_to_rgb=False)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(in_channels=len(_base_.raster['bands']), frozen_stages=4, norm_eval=True),
    decode_head=dict(num_classes=6),
    auxiliary_head=dict(num_classes=6))
train_pipeline = [
    dict(type='LoadRSIImage', **_base_.raster),  # the raster rule of the dataset base
    dict(type='LoadRSIAnnotations', num_classes=6),
    dict(type='RandomResize', scale=(512, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(batch_size=16, dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
