# GraSS on BYOL under the GraSS protocol on LoveDA Urban: the BYOL baseline
# (configs/byol/byol_resnet50_1xb256-coslr-350e_loveda-urban.py: mmpretrain's `BYOL`, its views and optimiser,
# ResNet-50, batch 256, 350 epochs) with gradient guided sampling after the ID warm-up (the first 10 %,
# configs/_base_/grass_warmup.py). Model type and hook are the only differences to the baseline. Guide objective:
# BYOL's symmetrised loss, each view's online prediction against the other view.
_base_ = ['../byol/byol_resnet50_1xb256-coslr-350e_loveda-urban.py', '../_base_/grass_warmup.py']

# GraSSBYOL with the plug-in's defaults, which are GraSS's sampling (spec §3):
# sampler=dict(type='GradientGuidedSampler', threshold_ratio=0.5, interpolation='nearest', min_box_size=0.0,
# region_rule='peak'), localize_scale=1.0 (guide pass at full resolution), guide_updates_bn=False (BN statistics
# updated once per step, by the training pass), guide_target='online' (the other view's target is the online branch
# with stop-gradient; 'momentum' uses the base's momentum branch), guide_dtype=None (float32 guide pass; 'bfloat16' or
# 'float16' runs its backbone forward in low precision, cheaper). Any of them can be set here;
# configs/grass/README.md explains each.
model = dict(type='GraSSBYOL')
