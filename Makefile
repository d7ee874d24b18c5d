# The front door. `make serve` validates and builds dist/ (only when the package or the build changed)
# and serves it read-only on 127.0.0.1:8001; `make test` runs the test suite (validation, Frictionless
# and the coverage measure of the real package among its tests). Each creates the environment from
# the pinned requirements on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: all venv check test lint coverage build serve serve-public bench bench-hostile diff fmt fmt-check frictionless codebook clean add-article draft accept draft-eval

all: serve

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# The code under scripts/ as a package (editable: edits apply at once), with the setuptools pinned above.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# `make check BASE=origin/main` also runs the checks a pull request meets in CI against its base:
# removed IDs need a redirect, changed data needs a higher version (without BASE they are skipped,
# and the OK line says so).
check: $(STAMP)
	$(BIN)/python scripts/validate.py datapackage.json $(if $(filter command line environment,$(origin BASE)),--base $(BASE),--mention-base)

# The suite runs the checks itself (the validator's, Frictionless's and coverage's command lines on
# the real package), so each runs once.
# Two workers, each given whole test files (--dist loadfile): a module's costly fixtures (the
# accessibility audit, a module's package copy) are then made once, not once per worker, which
# saves about a quarter of the suite's time. (pytest-xdist 3.8's loadgroup does not group under
# pytest 9: the group suffix it puts on each test's ID is not used.)
test: lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile tests

# ruff's lint and format check (settings in pyproject.toml); `$(BIN)/ruff format scripts tests` formats.
lint: $(STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

# dist/ is rebuilt (after validation) only when the package or the build's code changed, so a
# second `make serve` starts serving at once.
PACKAGE_FILES := datapackage.json $(wildcard data/*.csv schemas/*.json schemas/profile/*.json articles/*) \
	$(shell find scripts/lib -name '*.py' -o -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.geojson' 2>/dev/null)
dist/inspect.json: $(STAMP) $(PACKAGE_FILES)
	$(BIN)/python scripts/validate.py datapackage.json
	$(BIN)/python scripts/build.py datapackage.json --out dist

build: dist/inspect.json

# `make serve PORT=8002` to serve on another port.
PORT ?= 8001
serve: dist/inspect.json
	$(BIN)/python scripts/serve.py --dist dist --port $(PORT)

# Public serving: Debian's nginx (apt-get install nginx) in front of the same site, on 127.0.0.1:8080
# (`make serve-public PORT=8081` for another port; put TLS or the outside world in front of that).
# nginx caps URL and header size, limits requests and connections per client address, sets
# timeouts, forwards the client address and caches pages; its configuration is
# scripts/proxy/nginx.conf.template, rendered with the ports into dist/proxy/ (its pid, temporary
# files and cache, emptied at each start), and it runs in the foreground as the current user.
# Datasette runs beside it on a free loopback port; Ctrl-C stops both.
serve-public: PORT = 8080
serve-public: dist/inspect.json
	$(BIN)/python scripts/serve_public.py --dist dist --port $(PORT)

# Validation, build and serving measured at 10k, 100k and 1M synthetic rows; writes BENCHMARKS.md.
# `make bench BEFORE=<commit>` also puts the site as it was at that commit under the same load.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py --sizes 10000,100000,1000000 $(if $(BEFORE),--before $(BEFORE))
	$(BIN)/python scripts/bench_hostile.py

# SECURITY.md's promises under attack: the site with worst-case SQL in flight, one client's slow
# SQL against another's, 30 KB URLs, 32 clients through nginx on a 1,000,000-row synthetic site
# (needs Debian's nginx, as serve-public does), and each CI step's time and peak memory on hostile
# packages; writes BENCHMARKS-hostile.md (about 20 minutes).
bench-hostile: $(STAMP)
	$(BIN)/python scripts/bench_hostile.py

coverage: $(STAMP)
	$(BIN)/python scripts/text_coverage.py datapackage.json --min 100

# Against a git ref: `make diff BASE=origin/main` (rows added, removed, changed) and the
# validator's stable-ID and version checks for that base.
BASE ?= HEAD
diff: $(STAMP)
	$(BIN)/python scripts/diff.py $(BASE)
	$(BIN)/python scripts/validate.py datapackage.json --base $(BASE)

# A new article: `make add-article FILE=<its text> [ID=<source_id>]` copies the text into articles/,
# lists it in datapackage.json with its hash, writes its row in data/sources.csv with what the text
# says of itself, and prints what is left to fill.
add-article: $(STAMP)
	$(BIN)/python scripts/add_article.py "$(FILE)" $(if $(ID),--id "$(ID)")

# Then `make draft SOURCE=<source_id>` proposes its rows in drafts/<source_id>/ (review each: yes or
# no in its keep column), and `make accept SOURCE=<source_id>` moves the rows kept into data/ with
# fresh IDs. `make draft-eval` measures drafting on the five articles (BENCHMARKS.md).
draft: $(STAMP)
	$(BIN)/python scripts/draft.py "$(SOURCE)" $(if $(FORCE),--force)

accept: $(STAMP)
	$(BIN)/python scripts/accept.py "$(SOURCE)"

draft-eval: $(STAMP)
	$(BIN)/python scripts/draft_eval.py --write

fmt: $(STAMP)
	$(BIN)/python scripts/fmt.py datapackage.json

fmt-check: $(STAMP)
	$(BIN)/python scripts/fmt.py --check datapackage.json

# After the validator, which refuses remote references and patterns that could backtrack before
# Frictionless sees them (SECURITY.md); timeout is the last bound on a CI step.
frictionless: check
	timeout 120 $(BIN)/frictionless validate datapackage.json

clean:
	rm -rf $(VENV) .pytest_cache dist test-output

# The profile first: the codebook loads the package, whose schemas are checked against it.
codebook: $(STAMP)
	$(BIN)/python scripts/profile.py
	$(BIN)/python scripts/codebook.py
