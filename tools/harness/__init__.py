"""The study harness behind ``tools/pipeline.py``, ``tools/study.py`` and the benchmarks.

Stage configs, the pipeline and the multi-seed study, aggregation, reports and plots, the demo data and
the per-sample reference of the GraSS release's sampler. Imports mmengine, mmpretrain and mmseg only
when a stage runs.
"""
