# Template: DeepLabV3+ R50-D8 on your own labelled data at the paper's size, any folder in the RSISegDataset
# layout: images/, masks/ (uint8 class index per pixel, ignore_index for no-data), splits/train.txt and
# splits/val.txt (one image stem per line), meta.json ({"classes": [...], "palette": [[r, g, b], ...],
# "ignore_index": 255}). The GraSS authors' downstream protocol: backbone frozen, 256 px crops, 16 images on
# one GPU, SGD lr 0.01 poly, 1.3k iterations; mmseg's ResNet (7x7 stem, as pretrained).
#
# The settings you change, one place each (the three below are used by every dict of this file; tools/train.py
# refuses a child config or --cfg-options that changes only the variable):
#   data root     data_root below, or --data-root DIR (train, val and test sets)
#   classes       num_classes below = len(meta.json "classes"); checked when training or testing starts
#   crop size     crop_size below (training crops and the data preprocessor's pad size)
#   backbone      --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/.../backbone.pth
#                 (tools/extract_backbone.py); random initialisation: model.backbone.init_cfg=None
#   full fine-tuning  model.backbone.frozen_stages=-1 model.backbone.norm_eval=False
#   bands/values  raster below: the raster rule of the image loaders (bands, value_range or percentiles, nodata;
#                 docs/datasets.md), the same as in the pretraining config of this data
#   mean/std      model.data_preprocessor (../../_base_/models/deeplabv3plus_r50b-d8.py), as in pretraining
#   length        train_cfg.max_iters: the poly decay follows it
#   GPUs          bash tools/dist_train.sh THIS_CONFIG 4 --auto-scale-lr (lr scaled to the global batch)
data_root = 'data/my_dataset'
num_classes = 6
crop_size = (256, 256)
raster = dict(bands=None, value_range=None, percentiles=None, nodata=None)

_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8.py',
    '../../_base_/datasets/rsi_seg.py',
    '../../_base_/seg_runtime.py',
    '../../_base_/schedules/seg_sgd-poly_1.3k.py',
]
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)

data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(frozen_stages=4, norm_eval=True),
    decode_head=dict(num_classes=num_classes),
    auxiliary_head=dict(num_classes=num_classes))
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
    dict(type='LoadRSIImage', on_corrupt='raise', **raster),
    dict(type='Resize', scale=(1024, 1024), keep_ratio=True),
    dict(type='LoadRSIAnnotations'),
    dict(type='PackSegInputs')
]
# tools/test.py --tta: multi-scale and flip (as ../../_base_/datasets/rsi_seg.py) with this file's loader
tta_pipeline = [
    test_pipeline[0],
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale_factor=r, keep_ratio=True) for r in [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]],
            [dict(type='RandomFlip', prob=0., direction='horizontal'),
             dict(type='RandomFlip', prob=1., direction='horizontal')],
            [dict(type='LoadRSIAnnotations')],
            [dict(type='PackSegInputs')],
        ])
]
train_dataloader = dict(batch_size=16, dataset=dict(dataset=dict(data_root=data_root, pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
