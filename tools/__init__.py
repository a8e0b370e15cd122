"""grass_mm's tools side: command-line tools, the study harness and the dataset converters.

Not installed with the package. Run a tool from the repository root, either as a script (the OpenMMLab
way, for tools that import only ``grass_mm``: ``python tools/train.py CONFIG``) or as a module, which
every tool supports and the study tools need (they import ``tools.harness``)::

    python -m tools.pipeline --data ../shared/data/dubai_aerial --work-dir work_dirs/study
    python -m tools.dataset_converters.potsdam ZIP_DIR -o data/potsdam
"""
