# CPU-size DeepLabV3+ for tests, the demo and tools/pipeline.py: ResNet-18 (7x7 stem, as pretrained) D8,
# BN instead of SyncBN, 256 px crops, batch 4, 200 iterations, backbone frozen (the GraSS authors' protocol
# at toy size), on any dataset in the RSISegDataset layout (images/, masks/, splits/{train,val}.txt,
# meta.json: the Dubai aerial set, the rendered demo set):
#   python tools/train.py configs/benchmarks/deeplabv3plus/deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py \
#       --data-root DATA --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/grass/backbone.pth
# The settings you change are the variables below (data_root or --data-root; num_classes = len(meta.json
# classes), checked when training starts; crop_size); the paper-size template is
# deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_rsi-256x256.py.
# (tools/pipeline.py runs pretraining, extraction, this fine-tuning and the evaluation in one command.)
_base_ = [
    '../../_base_/models/deeplabv3plus_r50b-d8.py',
    '../../_base_/datasets/rsi_seg.py',
    '../../_base_/seg_runtime.py',
    '../../_base_/schedules/seg_sgd-poly_1.3k.py',
]
custom_imports = dict(imports=['grass_mm.segmentation'], allow_failed_imports=False)
data_root = 'data/demo'
crop_size = (256, 256)
num_classes = 6
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(depth=18, norm_cfg=norm_cfg, frozen_stages=4, norm_eval=True),
    decode_head=dict(
        in_channels=512, channels=128, c1_in_channels=64, c1_channels=12, num_classes=num_classes,
        norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=256, channels=64, num_classes=num_classes, norm_cfg=norm_cfg))

train_pipeline = [
    dict(type='LoadRSIImage', **_base_.raster),  # the raster rule of the dataset base
    dict(type='LoadRSIAnnotations'),
    dict(type='RandomResize', scale=(512, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadRSIImage', on_corrupt='raise', **_base_.raster),
    dict(type='Resize', scale=(512, 512), keep_ratio=True),
    dict(type='LoadRSIAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    dataset=dict(dataset=dict(data_root=data_root, pipeline=train_pipeline)))
val_dataloader = dict(
    num_workers=1,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

# the poly decay of the base schedule ends with training: change train_cfg.max_iters alone
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200, val_interval=200)
auto_scale_lr = dict(base_batch_size=4)  # lr 0.01 kept for batch 4 at this size
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=200, max_keep_ckpts=1))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
