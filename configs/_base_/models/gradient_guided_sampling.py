# Gradient guided sampling of GraSS (spec §3) for the plug-in models on other base methods (GraSSMoCo, GraSSBYOL,
# GraSSSimSiam, GraSSBarlowTwins): the sampler with r = 0.5 and nearest crop resize, guide pass at full
# resolution, the online BN statistics updated once per step (by the base's training pass).
model = dict(
    sampler=dict(
        type='GradientGuidedSampler',
        threshold_ratio=0.5,  # r: keep M > min + r * (max - min)
        interpolation='nearest',  # crop resize as released; 'bilinear' is an option
        min_box_size=0.0,  # no minimum box side, as released
        region_rule='peak'),  # component holding the arg-max; 'release' = the release's rule
    localize_scale=1.0,  # < 1: cheaper guide pass on downscaled views
    guide_updates_bn=False,  # True: the guide pass updates the online BN statistics too
    # the other view's target in the guide objective: the online branch's output with stop-gradient ('online',
    # one online forward per view) or the base's momentum branch ('momentum', MoCo and BYOL only)
    guide_target='online')
