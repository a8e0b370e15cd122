#!/usr/bin/env bash
# Distributed training with torchrun: one process per GPU (or per CPU process with gloo when no CUDA).
set -euo pipefail
usage() {
  cat <<'TEXT'
usage: bash tools/dist_train.sh CONFIG NUM_PROCS [tools/train.py flags...]

Runs tools/train.py under torchrun with NUM_PROCS processes on this node: one per GPU, or gloo processes
on a machine without CUDA. The global batch is NUM_PROCS x train_dataloader.batch_size (x NNODES); add
--auto-scale-lr to scale the config's learning rate from auto_scale_lr.base_batch_size to it.
Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node.
Example: bash tools/dist_train.sh configs/grass/grass_resnet50_1xb256-coslr-350e_potsdam.py 8 --auto-scale-lr
TEXT
}
if [[ $# -ge 1 && ( $1 == -h || $1 == --help ) ]]; then usage; exit 0; fi
if [[ $# -lt 2 ]]; then usage >&2; exit 2; fi
CONFIG=$1
NPROCS=$2
shift 2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python -m torch.distributed.run \
  --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
  --nproc_per_node="$NPROCS" --master_port="$PORT" \
  "$DIR/train.py" "$CONFIG" --launcher pytorch "$@"
