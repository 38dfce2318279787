# Two commands for a newcomer:  make run  (app with demo data on SQLite)  and  make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SECRET_FILE := instance/secret_key

.PHONY: run test setup db lint clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# Readable by the app's user only (umask 077: the folder 0700, the file 0600).
$(SECRET_FILE):
	umask 077 && mkdir -p instance && chmod 700 instance && \
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

# Migrate, load the content, create the demo accounts, then serve on http://127.0.0.1:5000.
# Long work (imports of a whole grade, big exports) runs in the Huey consumer started beside the web
# server; it stops when the server stops (Ctrl+C). Its log: instance/consumer.log.
run: setup $(SECRET_FILE)
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) db upgrade
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) content sync
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) demo create
	export SECRET_KEY=$$(cat $(SECRET_FILE)); \
	$(BIN)/huey_consumer quizapp.jobs.consumer.huey --workers 2 --max-delay 2 >> instance/consumer.log 2>&1 & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
test: setup
	$(BIN)/ruff check quizapp tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# City-size benchmark (docs/performance.md): SQLite, and PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL
# is set. BENCH_STUDENTS=N changes the size (default 300000); BENCH_ARGS=--quick compresses the journey to 60 s.
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check quizapp tests

clean:
	rm -rf $(VENV) .pytest_cache
