"""mmseg's inferencer for configs whose test pipeline reads images through the raster rule."""
from mmengine.config import ConfigDict
from mmengine.dataset import Compose
from mmseg.apis import MMSegInferencer


class RSISegInferencer(MMSegInferencer):
    """``MMSegInferencer`` that keeps grass_mm's ``LoadRSIImage`` in the test pipeline.

    mmseg's inferencer looks for a step named ``LoadImageFromFile`` and swaps it for a loader of paths and
    arrays; grass_mm's segmentation configs read images with ``LoadRSIImage`` instead (the raster rule of
    pretraining: bands, value range, no-data), which mmseg's inferencer refuses. This subclass changes only
    that step: ``LoadRSIImage`` reads a path through the config's raster rule and takes an array as an
    image already loaded (``(h, w, C)`` uint8 in the network's band order, BGR for three bands, as
    ``LoadRSIImage`` gives them). Annotation loaders are dropped as mmseg does. Everything else (arguments,
    ``out_dir`` with ``vis/`` and ``pred/``, batching, visualisation) is mmseg's. A pipeline that loads with
    ``LoadImageFromFile`` is handled exactly as by ``MMSegInferencer``.

    Args:
        *args: Arguments of ``MMSegInferencer`` (``model``: a config of a grass_mm fine-tuning, ``weights``:
            its checkpoint, ``device``, ...).
        **kwargs: Keyword arguments of ``MMSegInferencer``.
    """

    def _init_pipeline(self, cfg: ConfigDict) -> Compose:
        """Builds the test pipeline for single inputs (paths or arrays).

        Args:
            cfg (ConfigDict): The model's config.

        Returns:
            Compose: The pipeline.
        """
        pipeline_cfg = cfg.test_dataloader.dataset.pipeline
        if self._get_transform_idx(pipeline_cfg, 'LoadRSIImage') == -1:
            return super()._init_pipeline(cfg)
        skipped = ('LoadAnnotations', 'LoadRSIAnnotations', 'LoadDepthAnnotation')
        return Compose([step for step in pipeline_cfg if step['type'] not in skipped])
