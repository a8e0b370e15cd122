# DeepLabV3+ R50-D8 (mmseg ResNet, 7x7 stem as pretrained), full fine-tuning with mmseg's standard
# schedule (80k iterations, 4 GPUs x 4 images, 512 px crops) on LoveDA Urban (7 classes, 1024 px images, the Urban domain only).
# Backbone: an extracted GraSS/SimCLR ResNet-50 (tools/extract_backbone.py), set with
#   --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/grass_r50/backbone.pth
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8.py',
    '../../_base_/datasets/loveda_urban_seg.py',
    '../../_base_/seg_runtime.py',
    '../../_base_/schedules/seg_sgd-poly_80k.py',
]
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)
crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(num_classes=7),
    auxiliary_head=dict(num_classes=7))
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
