"""A checkpoint fine-tuned with a grass_mm config predicts through mmseg's own APIs and tools/test.py's flags."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmseg.apis import MMSegInferencer, inference_model, init_model

from grass_mm.segmentation.apis import RSISegInferencer
from tools import test as test_tool
from tools import train as train_tool
from tools.harness.demo_data import render_demo_dataset

SEG_CPU = Path(__file__).resolve().parents[2] / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'
SIZE = 64
# the CPU config at 64 px on a small rendered set: 2 iterations from random initialisation, no workers
SMALL = [
    'model.backbone.init_cfg=None', 'train_cfg.max_iters=2', 'default_hooks.checkpoint.interval=2',
    'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
    f'train_dataloader.dataset.dataset.pipeline.2.scale=({SIZE},{SIZE})',
    f'train_dataloader.dataset.dataset.pipeline.3.crop_size=({SIZE},{SIZE})',
    f'model.data_preprocessor.size=({SIZE},{SIZE})', f'val_dataloader.dataset.pipeline.1.scale=({SIZE},{SIZE})',
    f'test_dataloader.dataset.pipeline.1.scale=({SIZE},{SIZE})', 'val_dataloader.num_workers=0',
    'test_dataloader.num_workers=0'
]


@pytest.fixture(scope='module')
def finetuned(tmp_path_factory) -> tuple:
    """``(data_root, work_dir, saved config, checkpoint)`` of a 2-iteration fine-tuning with tools/train.py."""
    root = tmp_path_factory.mktemp('seg')
    data = render_demo_dataset(root / 'data', num_train=4, num_val=2, size=SIZE)
    work = root / 'work'
    train_tool.main([str(SEG_CPU), '--data-root', str(data), '--work-dir', str(work), '--cfg-options', *SMALL])
    config = work / SEG_CPU.name  # the merged config the Runner saves next to the checkpoints
    return data, work, config, work / 'iter_2.pth'


def val_images(data: Path) -> list:
    return sorted(str(data / 'images' / f'{stem}.png') for stem in (data / 'splits' / 'val.txt').read_text().split())


def test_inference_model_predicts_with_a_finetuned_checkpoint(finetuned):
    data, _, config, checkpoint = finetuned
    model = init_model(str(config), str(checkpoint), device='cpu')
    assert model.dataset_meta['classes'][0] == 'land'  # the classes of meta.json, saved in the checkpoint
    image = val_images(data)[0]
    result = inference_model(model, image)
    pred = result.pred_sem_seg.data
    assert tuple(pred.shape) == (1, SIZE, SIZE) and 0 <= int(pred.min()) and int(pred.max()) < 6
    # and the prediction is the model's own on the test pipeline's input
    logits = result.seg_logits.data
    assert torch.equal(logits.argmax(0, keepdim=True), pred)


def test_rsi_seg_inferencer_writes_predictions(finetuned, tmp_path):
    data, _, config, checkpoint = finetuned
    inferencer = RSISegInferencer(model=str(config), weights=str(checkpoint), device='cpu')
    assert isinstance(inferencer, MMSegInferencer)
    images = val_images(data)
    out = inferencer(images, out_dir=str(tmp_path / 'out'))
    assert len(out['predictions']) == len(images)
    masks = sorted((tmp_path / 'out' / 'pred').glob('*.png'))
    painted = sorted((tmp_path / 'out' / 'vis').glob('*.png'))
    assert len(masks) == len(painted) == len(images)
    mask = cv2.imread(str(masks[0]), cv2.IMREAD_UNCHANGED)
    assert mask.shape == (SIZE, SIZE) and mask.max() < 6
    model = init_model(str(config), str(checkpoint), device='cpu')
    np.testing.assert_array_equal(out['predictions'][0], inference_model(model, images[0]).pred_sem_seg.data[0].numpy())
    # an image already loaded (BGR uint8, as the loader gives it) predicts the same as its file
    from_array = inferencer([cv2.imread(images[0])])['predictions']
    np.testing.assert_array_equal(from_array, out['predictions'][0])


def test_mmseg_inferencer_itself_asks_for_load_image_from_file(finetuned):
    _, _, config, checkpoint = finetuned
    with pytest.raises(ValueError, match='LoadImageFromFile is not found'):
        MMSegInferencer(model=str(config), weights=str(checkpoint), device='cpu')


def test_test_tool_out_show_dir_and_tta(finetuned, tmp_path):
    data, _, config, checkpoint = finetuned
    metrics = test_tool.main([str(config), str(checkpoint), '--work-dir', str(tmp_path / 'test'), '--out',
                              str(tmp_path / 'masks'), '--show-dir', str(tmp_path / 'painted')])
    assert 0 <= metrics['mIoU'] <= 100
    stems = sorted((data / 'splits' / 'val.txt').read_text().split())
    assert sorted(p.stem for p in (tmp_path / 'masks').glob('*.png')) == stems
    painted = list((tmp_path / 'painted').rglob('*.png'))
    assert len(painted) == len(stems)
    image = cv2.imread(str(painted[0]))
    assert image.shape[0] == SIZE and image.shape[1] in (SIZE, 2 * SIZE)  # prediction (and ground truth) drawn
    tta = test_tool.main([str(config), str(checkpoint), '--work-dir', str(tmp_path / 'tta'), '--tta'])
    assert 0 <= tta['mIoU'] <= 100


def test_num_classes_that_differ_from_meta_json_are_named(finetuned, tmp_path):
    data, _, _, _ = finetuned
    options = [*SMALL, 'model.decode_head.num_classes=5', 'model.auxiliary_head.num_classes=5']
    message = (r'model.decode_head.num_classes = 5, model.auxiliary_head.num_classes = 5, but the dataset of '
               r"train_dataloader has 6 classes \('land'.*\(from .*meta.json\)")
    with pytest.raises(ValueError, match=message):
        train_tool.main([str(SEG_CPU), '--data-root', str(data), '--work-dir', str(tmp_path), '--cfg-options',
                         *options])


def test_data_root_of_the_wrapper_names_the_inner_key(finetuned, tmp_path):
    data, _, _, _ = finetuned
    with pytest.raises(TypeError, match=r'set train_dataloader.dataset.dataset.data_root \(the wrapped dataset\)'):
        train_tool.main([str(SEG_CPU), '--work-dir', str(tmp_path), '--cfg-options', *SMALL,
                         f'train_dataloader.dataset.data_root={data}'])
