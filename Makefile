# make demo: create .venv, install the project, write the Kunshan demo map (offline page) and print its path.
# make test: install the test dependencies, Debian's chromium (+ CJK fonts) when missing, the pinned
#            Leaflet assets (npm pack, checked by hash), then run every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO   ?= output/kunshan-heatmap.html

.PHONY: demo test install install-test browser assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; \
	fi
	@/usr/bin/chromium --version

assets: $(BIN)/python
	$(BIN)/kunshan-heatmap assets fetch

demo: install
	$(BIN)/kunshan-heatmap demo --offline -o $(DEMO)

test: install-test browser assets
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output build *.egg-info .pytest_cache .hypothesis tests/artifacts
