"""The study harness behind ``tools/pipeline.py``, ``tools/study.py`` and the benchmarks.

Stage configs, the pipeline and the multi-seed study, aggregation, reports and plots, the demo data, the
per-sample reference of the GraSS release's sampler and grass_mm's previous tifffile window reader (the
reference of ``tools/benchmark_data.py``). Imports mmengine, mmpretrain and mmseg only
when a stage runs.
"""
