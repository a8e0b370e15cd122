#!/usr/bin/env bash
# Distributed testing with torchrun: one process per GPU (or per CPU process with gloo when no CUDA).
set -euo pipefail
usage() {
  cat <<'TEXT'
usage: bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [tools/test.py flags...]

Runs tools/test.py under torchrun with NUM_PROCS processes on this node: one per GPU, or gloo processes
on a machine without CUDA; the test set is split between them and the metrics are computed over all of it.
Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node.
Example: bash tools/dist_test.sh CONFIG work_dirs/CONFIG_NAME/iter_1300.pth 4 --show-dir work_dirs/painted
TEXT
}
if [[ $# -ge 1 && ( $1 == -h || $1 == --help ) ]]; then usage; exit 0; fi
if [[ $# -lt 3 ]]; then usage >&2; exit 2; fi
CONFIG=$1
CHECKPOINT=$2
NPROCS=$3
shift 3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python -m torch.distributed.run \
  --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
  --nproc_per_node="$NPROCS" --master_port="$PORT" \
  "$DIR/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
