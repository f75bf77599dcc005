# Motcua — the front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help demo test bench lint format messages clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The receipts' QR codes and messages point to the address the demo serves.
demo: export MOTCUA_PUBLIC_URL = http://127.0.0.1:$(PORT)
demo: $(STAMP) ## Migrate the SQLite database under var/, load the demo once, serve on 127.0.0.1:$(PORT)
	$(BIN)/motcua migrate --noinput -v0
	$(BIN)/motcua collectstatic --noinput -v0
	$(BIN)/motcua seed demo
	$(BIN)/motcua indices_rollups --rebuild
	@echo "Motcua: http://127.0.0.1:$(PORT)/  (quản trị: http://127.0.0.1:$(PORT)/admin/)"
	@echo "Thư điện tử của bản demo được ghi vào var/mail/; nhật ký tác vụ nền: var/worker.log"
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend sh -c '\
	  $(BIN)/motcua db_worker --interval 2 > var/worker.log 2>&1 & worker=$$!; \
	  $(BIN)/motcua periodic --loop 300 > var/periodic.log 2>&1 & periodic=$$!; \
	  $(BIN)/motcua indices_rollups --loop 60 > var/indices.log 2>&1 & indices=$$!; \
	  trap "kill $$worker $$periodic $$indices 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/granian --interface wsgi --host 127.0.0.1 --port $(PORT) --workers 1 --blocking-threads 4 --log-level warning motcua.wsgi:application'

test: $(STAMP) ## Run the whole suite (SQLite, or PostgreSQL when DATABASE_URL says so)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) ## Run the benchmarks; print a table and write bench/results/latest.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP) ## ruff format --check, ruff check, mypy
	$(BIN)/ruff format --check src bench
	$(BIN)/ruff check src bench
	$(BIN)/mypy src

format: $(STAMP) ## Format and autofix
	$(BIN)/ruff format src bench
	$(BIN)/ruff check --fix src bench

messages: $(STAMP) ## Add new strings to each app's Vietnamese .po (translations kept) and compile them
	for locale in src/motcua/*/locale; do \
	  (cd $$locale/.. && MOTCUA_DATA_DIR=$(CURDIR)/var ../../../$(BIN)/motcua makemessages -l vi --no-obsolete --no-location --no-wrap -v0) && \
	  (cd $$locale/.. && MOTCUA_DATA_DIR=$(CURDIR)/var ../../../$(BIN)/motcua compilemessages -l vi -v0) || exit 1; \
	done
	# src/motcua/locale: Vietnamese for Django's and third-party apps' texts, edited by hand.
	cd src/motcua && MOTCUA_DATA_DIR=$(CURDIR)/var ../../$(BIN)/motcua compilemessages -l vi -v0

clean: ## Remove the virtual environment and the local data
	rm -rf $(VENV) var
