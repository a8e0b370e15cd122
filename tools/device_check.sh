#!/usr/bin/env bash
# Device check of grass_mm on a machine with CUDA GPUs (about 5 minutes on one GPU), from the project's
# environment (e.g. `source .venv/bin/activate`):
#   1. the CUDA-path tests (the sampler's accelerator path, the plug-in's guide pass on CUDA);
#   2. the step benchmark of gradient guided sampling against its base, SimCLR, BYOL and MoCo v2, each run
#      followed by the sampler benchmark (ResNet-18, 32 images at 224, median of 5; targets: GS step / base
#      step <= 1.45, peak memory <= 1.15, sampler >= 20x the per-sample loop);
#   3. two iterations (one ID, one GS) of the paper-size configs of GraSS (SimCLR, SyncBN), GraSS on BYOL
#      (SyncBN) and GraSS on MoCo v2 (BN) through tools/dist_train.sh: NCCL, 8 images per iteration in all,
#      on rendered demo images. With one GPU torch's SyncBatchNorm takes its single-process path (no
#      all-reduce); NGPUS=2 or more runs the synchronised path.
# Stops at the first failure; prints one JSON line per benchmark and per training run at the end (also in
# WORK_DIR/results.jsonl).
# usage: bash tools/device_check.sh [WORK_DIR]              (default work_dirs/device_check)
# Knobs: NGPUS (default: every visible GPU), PYTHON (default python), DEVICE (default cuda; cpu for a dry run
# with gloo), BENCH_ARGS (default '--arch resnet18 --images 32 --size 224 --repeats 5').
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then  # the header above, without the comment marks
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python}
DEVICE=${DEVICE:-cuda}
BENCH_ARGS=${BENCH_ARGS:---arch resnet18 --images 32 --size 224 --repeats 5}
WORK=${1:-work_dirs/device_check}
export PYTHONUNBUFFERED=1
if [ "$DEVICE" = cuda ]; then
  NGPUS=${NGPUS:-$("$PY" -c 'import torch; print(torch.cuda.device_count())')}
  [ "$NGPUS" -ge 1 ] || { echo "device_check: torch sees no CUDA GPU (DEVICE=cpu for a dry run)" >&2; exit 1; }
  "$PY" -c 'import torch; print("device_check:", torch.__version__, torch.cuda.get_device_name(0))'
else
  NGPUS=${NGPUS:-1}
fi
mkdir -p "$WORK"
JSON="$WORK/results.jsonl"
: > "$JSON"
start=$SECONDS
stage() { echo "== device_check [$((SECONDS - start)) s] $*"; }

stage "CUDA-path tests"
"$PY" -m pytest tests/test_pretrain -q -p no:cacheprovider -rs -k "cuda or accelerator"

for base in simclr byol mocov2; do
  stage "step and sampler benchmark, base $base"
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of options
  "$PY" -m tools.benchmark step --base "$base" --device "$DEVICE" $BENCH_ARGS | tee "$WORK/benchmark_$base.txt"
  tail -n 1 "$WORK/benchmark_$base.txt" >> "$JSON"
done

stage "demo images"
"$PY" -m tools.make_demo_data "$WORK/demo" --num-train 12 --num-val 4 --size 256
batch=$((8 / NGPUS > 0 ? 8 / NGPUS : 1))
for config in configs/grass/grass_resnet50_1xb256-coslr-350e_potsdam.py \
              configs/grass/grass-byol_resnet50_1xb256-coslr-350e_potsdam.py \
              configs/grass/grass-mocov2_resnet50_1xb256-coslr-350e_potsdam.py; do
  name=$(basename "$config" .py)
  stage "two iterations of $name on $NGPUS process(es), $batch images each"
  rm -rf "${WORK:?}/$name"
  norm=()  # a CPU dry run: torch's DDP takes no SyncBatchNorm on the CPU, so plain BN there
  if [ "$DEVICE" = cpu ]; then
    case $name in
      grass_*) norm=(model.backbone.norm_cfg.type=BN model.neck.norm_cfg.type=BN1d) ;;
      grass-byol_*) norm=(model.backbone.norm_cfg.type=BN model.neck.norm_cfg.type=BN1d
                          model.head.predictor.norm_cfg.type=BN1d) ;;
    esac
  fi
  # 16 demo images, 8 per iteration: one epoch is two iterations; the first is ID, the second GS
  PORT=$((29500 + RANDOM % 1000)) PATH="$(dirname "$(command -v "$PY")"):$PATH" \
    bash tools/dist_train.sh "$config" "$NGPUS" --work-dir "$WORK/$name" --cfg-options \
    train_dataloader.dataset.data_root="$WORK/demo" train_dataloader.dataset.data_prefix=images \
    train_dataloader.dataset.samples_per_image=1 train_dataloader.dataset.pipeline.0.window_size=256 \
    train_dataloader.batch_size="$batch" train_dataloader.num_workers=2 train_cfg.max_epochs=1 \
    custom_hooks.0.warmup_iters=1 default_hooks.logger.interval=1 "${norm[@]}"
  "$PY" - "$WORK/$name" "$name" "$NGPUS" >> "$JSON" <<'EOF'
import glob, json, sys
rows = [json.loads(line) for path in sorted(glob.glob(f'{sys.argv[1]}/*/vis_data/scalars.json'))
        for line in open(path)]
rows = [row for row in rows if 'loss' in row]
assert [row['gs_phase'] for row in rows] == [0.0, 1.0], rows
print(json.dumps(dict(config=sys.argv[2], processes=int(sys.argv[3]), steps=[row['step'] for row in rows],
                      gs_phase=[row['gs_phase'] for row in rows], loss=[row['loss'] for row in rows],
                      box_area_frac=rows[-1]['box_area_frac'], time_s=[row['time'] for row in rows])))
EOF
done

stage "done"
cat "$JSON"
