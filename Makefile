# Harvest Ledger: `make site` builds the example site, `make test` runs every test.
# Both create .venv when it is missing and install the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test check serve edit bench lock clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.site-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.site-installed $@

site: $(VENV)/.site-installed
	$(BIN)/python build.py build

check: $(VENV)/.site-installed
	$(BIN)/python build.py check

serve: $(VENV)/.site-installed
	$(BIN)/python build.py serve

edit: $(VENV)/.site-installed
	$(BIN)/python build.py edit

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/bench.py

# After changing a message in the code: new messages appear in harvest/locale/*/*.po with an
# empty Chinese text to fill in; then the catalogs are compiled (harvest/i18n.py reads them).
messages: $(VENV)/.site-installed
	$(BIN)/python tools/messages.py update
	$(BIN)/python tools/messages.py compile
	$(BIN)/python tools/messages.py check

lock:
	rm -rf /tmp/harvest-lock && $(PYTHON) -m venv /tmp/harvest-lock
	/tmp/harvest-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned site dependencies, generated from requirements.in by \`make lock\`."; /tmp/harvest-lock/bin/pip freeze; } > requirements.txt
	/tmp/harvest-lock/bin/pip install --quiet -r requirements-dev.in
	{ echo "# Pinned test dependencies, generated from requirements-dev.in by \`make lock\`."; echo "-r requirements.txt"; /tmp/harvest-lock/bin/pip freeze | grep -vxFf requirements.txt; } > requirements-dev.txt

clean:
	rm -rf site .cache
