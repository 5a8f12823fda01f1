# One-command set-ups for a fresh Debian 12 machine (run as root, or with sudo available).
#   make run   : install everything and open the app in demo mode
#   make test  : install everything and run the whole test suite headless
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Debian packages the app and its tests need at run time.
SYSTEM_PACKAGES := libzbar0 libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libpulse0 libasound2 libnss3 \
	libxcomposite1 libxdamage1 libxrandr2 libxtst6 fonts-dejavu-core xvfb xauth poppler-utils liblapack3 libblas3 \
	chromium postgresql-client nginx-light

.PHONY: run test sysdeps venv lint translations screenshots bench dist dist-test clean

sysdeps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then missing="$$missing python3-venv python3-pip"; fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Three distributions from this one tree (docs/deploy.md): the shared rules, the central API, the till.
$(STAMP): pyproject.toml packaging/core/pyproject.toml packaging/server/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e packaging/core -e packaging/server -e ".[demo,dev]"
	touch $(STAMP)

venv: sysdeps $(STAMP)

translations: venv
	$(BIN)/python -m pos_app.i18n_build

run: venv translations
	$(BIN)/pos-app --demo

test: venv translations
	$(BIN)/ruff check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n auto

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

screenshots: venv translations
	xvfb-run -a $(BIN)/python tools/screenshots.py
	xvfb-run -a $(BIN)/python tools/report_screenshots.py
	HOLDER_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/holder_pages tests/online/test_browser.py

bench: venv
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache

# PyInstaller one-folder bundle dist/pos-app/ and its --selftest in a clean environment (tools/dist_test.sh). On
# Linux it first builds the till's own OpenCV and a numpy without BLAS (about 12 min on 2 cores, once: cached
# under build/), which need a compiler and cmake (docs/install.md).
BUILD_PACKAGES := cmake ninja-build g++ bc

dist: venv translations
	@missing=$$(for p in $(BUILD_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing build packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	VENV=$(VENV) tools/dist_test.sh

# re-run the selftest of an already built bundle
dist-test: venv
	VENV=$(VENV) tools/dist_test.sh --no-build
