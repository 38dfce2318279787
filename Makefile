# Two commands for a newcomer:  make run  (app with demo data on SQLite)  and  make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SECRET_FILE := instance/secret_key

.PHONY: run test setup db lint clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

$(SECRET_FILE):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

# Migrate, load the content, create the demo accounts, then serve on http://127.0.0.1:5000
run: setup $(SECRET_FILE)
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) db upgrade
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) content sync
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) demo create
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) run --host 127.0.0.1 --port 5000

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it).
test: setup
	$(BIN)/ruff check quizapp tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check quizapp tests

clean:
	rm -rf $(VENV) .pytest_cache
