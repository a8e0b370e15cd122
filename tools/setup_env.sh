#!/usr/bin/env bash
# Idempotent set-up of the grass_mm environment: a virtual environment with the pinned OpenMMLab stack.
#
#   bash tools/setup_env.sh            # creates/updates ./.venv (or $GRASS_MM_VENV)
#
# The pins live in requirements/*.txt only: build.txt, runtime.txt (what setup.py installs), tools.txt
# (study reports, plots, the sampler reference) and tests.txt (pytest, the lint check). Full mmcv is built
# from its source release against the pinned torch once per machine (about 14 minutes on 2 cores) and the
# wheel is cached outside the repository in $GRASS_MM_CACHE (default ~/.cache/grass_mm). A second run finds
# a stamp and returns in seconds.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then  # the header above, without the comment marks
  sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
  exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GRASS_MM_VENV:-$ROOT/.venv}"
CACHE="${GRASS_MM_CACHE:-$HOME/.cache/grass_mm}"
REQ="$ROOT/requirements"
PIN_FILES=("$REQ/build.txt" "$REQ/runtime.txt" "$REQ/tools.txt" "$REQ/tests.txt")
PY_BOOT="${PYTHON:-python3.11}"
command -v "$PY_BOOT" >/dev/null 2>&1 || PY_BOOT=python3

pin() {  # pin NAME -> the requirement line for NAME in the pin files
  grep -hE "^$1(==|[<>!,]|$)" "${PIN_FILES[@]}" | head -n 1
}

stamp_value="$(cat "${PIN_FILES[@]}" "$ROOT/setup.py" | sha256sum | cut -c1-16)"
stamp_file="$VENV/.grass_mm_stamp"
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_value" ]]; then
  echo "[setup_env] environment $VENV is up to date"
  exit 0
fi

echo "[setup_env] creating/updating $VENV"
[[ -x "$VENV/bin/python" ]] || "$PY_BOOT" -m venv "$VENV"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -q)

# 1. build tools, numpy and torch first: mmcv's setup.py imports torch and pkg_resources.
"${PIP[@]}" "$(pin setuptools)" "$(pin wheel)" "$(pin numpy)"
"${PIP[@]}" "$(pin torch)" "$(pin torchvision)" "$(pin opencv-python)" "$(pin numpy)"

# 2. full mmcv (with compiled ops), built once per machine and cached.
mmcv_req="$(pin mmcv)"
mmcv_ver="${mmcv_req#mmcv==}"
torch_ver="$("$PY" -c 'import torch; print(torch.__version__.replace("+", "_"))')"
wheel_dir="$CACHE/mmcv-$mmcv_ver-torch-$torch_ver-py$("$PY" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')"
if ! "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$mmcv_ver'" >/dev/null 2>&1; then
  if ! ls "$wheel_dir"/mmcv-"$mmcv_ver"-*.whl >/dev/null 2>&1; then
    echo "[setup_env] building mmcv $mmcv_ver with ops against torch $torch_ver (about 14 min on 2 cores)"
    mkdir -p "$wheel_dir"
    tmp_dir="$(mktemp -d "$CACHE/build.XXXXXX")"
    MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" FORCE_CUDA="${FORCE_CUDA:-0}" \
      "$PY" -m pip wheel --disable-pip-version-check -q --no-build-isolation --no-deps \
      --no-binary mmcv -w "$tmp_dir" "$mmcv_req"
    mv "$tmp_dir"/mmcv-*.whl "$wheel_dir"/   # move into place only when the build finished
    rm -rf "$tmp_dir"
  fi
  "${PIP[@]}" --no-deps "$wheel_dir"/mmcv-"$mmcv_ver"-*.whl
  "${PIP[@]}" addict packaging Pillow pyyaml yapf "$(pin mmengine)" "$(pin numpy)" "$(pin opencv-python)"
fi

# 3. the rest of the stack, then the project itself in editable mode.
rest=()
while IFS= read -r line; do
  line="${line%%#*}"; line="$(echo "$line" | xargs)"
  [[ -z "$line" ]] && continue
  case "$line" in setuptools*|wheel*|torch*|mmcv*) continue ;; esac
  rest+=("$line")
done < <(cat "${PIN_FILES[@]}")
"${PIP[@]}" "${rest[@]}" "$(pin torch)" "$(pin torchvision)"
"${PIP[@]}" --no-deps --no-build-isolation -e "$ROOT"

"$PY" -c "import grass_mm; grass_mm.check_environment(need_mmcv_ops=True)"
echo "$stamp_value" > "$stamp_file"
echo "[setup_env] ready: source $VENV/bin/activate"
