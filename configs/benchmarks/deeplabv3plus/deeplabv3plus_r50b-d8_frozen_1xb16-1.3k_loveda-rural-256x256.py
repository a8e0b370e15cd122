# DeepLabV3+ R50-D8 (mmseg ResNet, 7x7 stem as pretrained) with the backbone frozen, the GraSS authors'
# downstream protocol (their lab's earlier paper, same code base): 256 px crops, 16 images on one GPU,
# SGD lr 0.01 poly, 1.3k iterations; on LoveDA Rural (7 classes, 1024 px images, the Rural domain only).
# Backbone: an extracted GraSS/SimCLR ResNet-50 (tools/extract_backbone.py), set with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/grass_r50/backbone.pth
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8.py',
    '../../_base_/datasets/loveda_rural_seg.py',
    '../../_base_/seg_runtime.py',
    '../../_base_/schedules/seg_sgd-poly_1.3k.py',
]
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)
crop_size = (256, 256)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(frozen_stages=4, norm_eval=True),
    decode_head=dict(num_classes=7),
    auxiliary_head=dict(num_classes=7))
train_pipeline = [
    dict(type='LoadRSIImage', **_base_.raster),  # the raster rule of the dataset base
    dict(type='LoadRSIAnnotations', num_classes=7),
    dict(type='RandomResize', scale=(2048, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(batch_size=16, dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
