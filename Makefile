# grass_mm: the two README commands. Both set the environment up first (idempotent, seconds when done).
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?=
WORK_DIR ?= work_dirs/quickstart

.PHONY: env lint test quickstart

env:
	GRASS_MM_VENV=$(VENV) bash tools/setup_env.sh

# The lint check (settings in pyproject.toml; about a second).
lint: env
	$(VENV)/bin/ruff check .

# The test suite after the lint check (what CI runs through .ci/run): one pytest-xdist worker per CPU core
# (TEST_WORKERS=1 for one process), each test file on one worker. Extra pytest flags:
# make test PYTEST_ARGS="-k sampler".
TEST_WORKERS ?= auto
test: lint
	$(PY) -m pytest tests -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The main job: pretrain (GraSS, SimCLR baseline, random init) -> extract -> fine-tune -> mIoU report,
# on the demo dataset rendered on first use, or on DATA=/path/to/dataset (images/, masks/, splits/, meta.json).
quickstart: env
	$(PY) -m tools.pipeline --work-dir $(WORK_DIR) $(if $(DATA),--data $(DATA),)
