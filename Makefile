# newsportal: `make run` sets up everything and serves the site; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

# The first Python 3.12+ on this machine: PYTHON=..., python3.x on PATH, then pyenv's versions.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$${HOME:-/root}/.pyenv}/versions/3.1[2-9]*/bin/python3 \
	        /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  path=$$(command -v $$candidate 2>/dev/null) || continue; \
	  "$$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$path"; break; }; \
	done)

.PHONY: help install run serve test lint browser varnish migrate demo bench bench-live bench-pages bench-import bench-spam bench-tools clean css lighthouse backup restore pg-client soak

help:
	@echo "Start here:"
	@echo "  make run        install, migrate, load the demo content and serve on http://127.0.0.1:$(PORT)/"
	@echo "  make test       lint, migration check and the test suite (SQLite; PostgreSQL too if DATABASE_URL is set)"
	@echo "  make serve      the production stack: Varnish on http://127.0.0.1:$(PORT)/ in front of gunicorn"
	@echo "Steps of those (each runs what it needs first):"
	@echo "  make install    the virtualenv in .venv with every Python dependency"
	@echo "  make migrate    apply the migrations and create the cache table"
	@echo "  make demo       load the demo content (idempotent)"
	@echo "  make lint       ruff on the code, djLint and the line length on the templates"
	@echo "  make browser    Debian's Chromium for the browser tests (installed as root)"
	@echo "  make varnish    Varnish 7 and varnish-modules for make serve (installed as root)"
	@echo "  make pg-client  pg_dump and pg_restore, where DATABASE_URL names PostgreSQL"
	@echo "  make css        rebuild the Bootstrap subset after using a new Bootstrap class (needs npm)"
	@echo "Figures (README, Benchmark), never part of make test:"
	@echo "  make bench      the production stack under load (BENCH_SIZE=small: about a minute)"
	@echo "  make bench-tools  wrk and nginx (the static ceiling) and Varnish, from Debian"
	@echo "  make bench-live   2,000 readers watching live coverage through Varnish while an editor posts"
	@echo "  make bench-pages  server time, queries and size of the reader pages; images"
	@echo "  make bench-spam   what the spam filter adds to a comment POST and takes per decision"
	@echo "  make bench-import a 10,000-post WordPress export imported on SQLite: time and memory"
	@echo "  make lighthouse Lighthouse (mobile) on the seed article under the production stack, RUNS=5 times"
	@echo "  make soak       the stack under a crowd and faults, SQLite then PostgreSQL + Redis"
	@echo "Data:"
	@echo "  make backup     database and media, while the site serves, into backups/ (or BACKUP=dir)"
	@echo "  make restore BACKUP=dir  put a backup back, after asking"
	@echo "  make clean      remove the virtualenv and what the build made"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "newsportal needs Python 3.12 or newer and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv')"; \
	  echo "or point PYTHON at it: make PYTHON=/path/to/python3.13 $(MAKECMDGOALS)"; \
	  exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group test
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo

# The task worker (moderators' mail) runs beside the web server and stops with it.
run: demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with the task worker; Ctrl-C stops both."
	@$(PY) manage.py db_worker --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: Varnish on PORT in front of gunicorn (loopback, PORT+1) and the task worker,
# configured from newsportal/serve/; the README's "Production" section lists its variables.
# Ctrl-C stops everything it started.
serve: install varnish
	@$(PY) -m newsportal.serve --port $(PORT)

# Varnish 7 and varnish-modules (xkey) from Debian, for `make serve` and the tests that run it.
varnish:
	@if ! PATH="$$PATH:/usr/sbin:/usr/local/sbin" command -v varnishd >/dev/null || \
	    ! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so /usr/lib/varnish/vmods/libvmod_xkey.so \
	      2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Varnish for make serve (apt-get install varnish varnish-modules)"; \
	    (apt-get install -y -q varnish varnish-modules >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q varnish varnish-modules >/dev/null)) \
	      || exit 1; \
	  else \
	    echo "make serve and its tests need Varnish 7 with varnish-modules (xkey), and it is missing."; \
	    echo "Install them as root: apt-get install -y varnish varnish-modules"; \
	    exit 1; \
	  fi; fi

# pg_dump and pg_restore, for backups of a PostgreSQL site and their tests: only wanted where
# DATABASE_URL names PostgreSQL.
pg-client:
	@if [[ "$$DATABASE_URL" == postgres* ]] && ! command -v pg_restore >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing PostgreSQL's client programs for backups (apt-get install postgresql-client)"; \
	    (apt-get install -y -q postgresql-client >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q postgresql-client >/dev/null)) \
	      || exit 1; \
	  else \
	    echo "Backups of PostgreSQL need pg_dump and pg_restore, and they are missing."; \
	    echo "Install them as root: apt-get install -y postgresql-client (the server's major version)"; \
	    exit 1; \
	  fi; fi

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work here.
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) || exit 1; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM), and it is missing."; \
	    echo "Install it as root: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)."; \
	    exit 1; \
	  fi; fi

# Templates: djLint's rules (pyproject.toml, [tool.djlint]), and no line over 160 characters,
# counted in characters (C.UTF-8), since Django's tags cannot be wrapped across lines (#12).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint --quiet
	@! LC_ALL=C.UTF-8 grep -rnIE '.{161}' templates | cut -d: -f1,2 | sed 's/$$/: longer than 160 characters/' | grep .

test: install browser varnish pg-client lint
	$(PY) manage.py makemigrations --check --dry-run
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== test suite on $${DATABASE_URL%%:*} ($$DATABASE_URL) =="; \
	  CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest || exit 1; \
	else echo "DATABASE_URL is not set: the PostgreSQL run is skipped (.ci/run sets it)."; fi

# Figures, not pass/fail (README, "Benchmark"): the make serve stack under wrk against ceilings
# measured in the same run, on loopback ports BENCH_PORT to BENCH_PORT+3. BENCH_SIZE=small takes
# about a minute; full (100k articles, 1M comments) is meant for DATABASE_URL's PostgreSQL.
BENCH_SIZE ?= full
BENCH_PORT ?= 8100
bench: install bench-tools
	$(PY) -m tests.benchmarks.bench_stack --size $(BENCH_SIZE) --port $(BENCH_PORT)
	$(PY) -m tests.benchmarks.bench_live --watchers $(LIVE_WATCHERS) --seconds $(LIVE_SECONDS) \
	  --port $(BENCH_PORT)

# Live coverage's watchers (#13): the make serve stack on BENCH_PORT and the next port, a crowd
# of LIVE_WATCHERS readers polling a live article's endpoint every second while an editor posts
# an update every 5 s for LIVE_SECONDS: application requests per update, and the delay from a
# post's commit to each reader seeing it (p50, p99).
LIVE_WATCHERS ?= 2000
LIVE_SECONDS ?= 60
bench-live: install varnish
	$(PY) -m tests.benchmarks.bench_live --watchers $(LIVE_WATCHERS) --seconds $(LIVE_SECONDS) \
	  --port $(BENCH_PORT)

# The earlier in-process benches: server time, queries and size of the reader pages; images.
bench-pages: install
	$(PY) -m tests.benchmarks.bench_pages
	$(PY) -m tests.benchmarks.bench_images

# The spam filter's cost (#11): what scoring adds to a comment POST, what learning from a
# decision takes; in a throw-away test database (DATABASE_URL's server where it is set).
bench-spam: install
	$(PY) -m tests.benchmarks.bench_spam_filter

# A WordPress export of 10,000 posts and 100,000 comments, written and imported into a new
# SQLite database (README, "Moving from WordPress"): the time and the importer's peak memory.
bench-import: install
	$(PY) -m tests.benchmarks.bench_wordpress

# Front-end tools, pinned in tests/lighthouse/package-lock.json and installed into its
# node_modules (git-ignored): Lighthouse for `make lighthouse`, PurgeCSS for `make css`.
FRONTEND := tests/lighthouse
RUNS ?= 5

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { \
	  echo "make lighthouse and make css need Node 18.16+ with npm (apt-get install nodejs npm)."; \
	  exit 1; }
	npm ci --prefix $(FRONTEND) --no-audit --no-fund --loglevel=error
	@touch $@

# The Bootstrap rules the site uses (static/vendor/bootstrap/bootstrap.site.min.css, committed).
# Run after using a Bootstrap class the site did not use before; `make test` says when.
css: install $(FRONTEND)/node_modules/.installed
	SITE_PACKAGES="$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
	  node $(FRONTEND)/purge-bootstrap.mjs

# Figures, not pass/fail, and not part of `make test`: Lighthouse (mobile, default throttling) on
# the seed article with 200 comments, served by a throw-away production stack on 8200-8299.
lighthouse: install browser varnish $(FRONTEND)/node_modules/.installed
	CHROME_PATH=$(CHROMIUM) $(PY) -m tests.lighthouse.run --runs $(RUNS)

# wrk and nginx (the static ceiling) from Debian, and Varnish as for make serve.
bench-tools: varnish
	@if ! command -v wrk >/dev/null || \
	    ! PATH="$$PATH:/usr/sbin:/usr/local/sbin" command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing wrk and nginx for make bench (apt-get install wrk nginx)"; \
	    (apt-get install -y -q nginx wrk >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q nginx wrk >/dev/null)) \
	      || exit 1; \
	  else \
	    echo "make bench needs wrk and nginx, and at least one of them is missing."; \
	    echo "Install them as root: apt-get install -y nginx wrk varnish varnish-modules"; \
	    exit 1; \
	  fi; fi

# Load and faults (README, "Soak"): the make serve stack under a crowd of commenters, a worker
# killed, the database and Redis stopped, one of two servers killed; SOAK_SECONDS a scenario.
SOAK_SECONDS ?= 30
soak: install varnish
	$(PY) -m tests.benchmarks.soak --database sqlite --seconds $(SOAK_SECONDS)
	$(PY) -m tests.benchmarks.soak --database postgres --seconds $(SOAK_SECONDS)

# Backups (README, "Backups"): database and media while the site serves, into backups/ (or
# BACKUP=dir); `make restore BACKUP=dir` puts one back, after asking.
backup: install pg-client
	$(PY) manage.py backup $(BACKUP)

restore: install pg-client
	@if [ -z "$(BACKUP)" ]; then echo "Which backup? make restore BACKUP=backups/newsportal-..."; exit 2; fi
	$(PY) manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .lighthouse $(FRONTEND)/node_modules
