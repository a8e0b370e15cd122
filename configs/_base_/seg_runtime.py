# Runtime shared by the DeepLabV3+ fine-tuning benchmarks (mmseg scope). The leaf configs set
# custom_imports = dict(imports=['grass_mm.segmentation'], ...) (it registers the hook below); it is not set
# here because the dataset bases set it too and mmengine refuses a key defined by two bases.
default_scope = 'mmseg'

# Raise before the first step when the pretrained backbone does not fit the model key for key (mmengine's
# Pretrained init only logs mismatches, e.g. a 7x7-stem checkpoint in ResNetV1c), and before training,
# validation or testing when the heads' num_classes differ from the dataset's classes (meta.json).
custom_hooks = [dict(type='PretrainedKeysCheckHook'), dict(type='NumClassesCheckHook')]

env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
vis_backends = [dict(type='LocalVisBackend')]
# No fixed name: each Runner (several may run in one process, see tools/pipeline.py) gets its own.
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends)
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
tta_model = dict(type='SegTTAModel')
