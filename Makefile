# The two commands of the README: `make issue` and `make test`.
# Both install what the project needs first (Debian packages, a virtual
# environment); that step is quick and quiet when everything is in place.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := .stamps
ISSUE  ?= content/2025-01

.PHONY: issue test setup lint bench preview clean lock

issue: setup
	$(BIN)/qhgy build $(ISSUE)

# The suite on every core (pytest-xdist, one worker per logical CPU, at most 4: each lays issues
# out, ~600 MB).
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n logical --maxprocesses 4 --dist loadgroup

setup: $(STAMPS)/debian $(STAMPS)/venv $(STAMPS)/ace

$(STAMPS)/debian: tools/debian-packages.txt tools/setup-debian.sh
	@tools/setup-debian.sh
	@mkdir -p $(STAMPS) && touch $@

# DAISY Ace for the EPUB accessibility test (npm, pinned by its package-lock). The stamp also
# depends on the installed command, so a checkout that lost node_modules installs it again.
ACE := tools/ace/node_modules/.bin/ace-cli
$(STAMPS)/ace: tools/ace/package-lock.json tools/setup-ace.sh $(STAMPS)/debian $(ACE)
	@mkdir -p $(STAMPS) && touch $@

$(ACE): tools/ace/package-lock.json tools/setup-ace.sh
	@tools/setup-ace.sh

# The pinned versions of tools/requirements-test.txt, then the project itself (editable,
# built by the setuptools just pinned: no second download).
$(STAMPS)/venv: pyproject.toml setup.py tools/requirements-test.txt
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing Python packages into $(VENV)"
	@{ $(BIN)/pip install -q --disable-pip-version-check -r tools/requirements-test.txt \
		&& $(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . ; } \
		> $(VENV)/pip-install.log 2>&1 || { cat $(VENV)/pip-install.log; exit 1; }
	@mkdir -p $(STAMPS) && touch $@

# Pin the test environment again after a change of pyproject.toml's dependencies
# (pip-tools, in a throwaway environment of its own).
lock:
	@[ -x $(STAMPS)/pip-tools/bin/pip-compile ] || { $(PYTHON) -m venv $(STAMPS)/pip-tools \
		&& $(STAMPS)/pip-tools/bin/pip install -q --disable-pip-version-check pip-tools; }
	CUSTOM_COMPILE_COMMAND="make lock" $(STAMPS)/pip-tools/bin/pip-compile -q --extra test \
		--allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras \
		--output-file tools/requirements-test.txt pyproject.toml

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/run.py

preview: setup
	$(BIN)/qhgy preview $(ISSUE)

clean:
	rm -rf output $(STAMPS) .cache build
