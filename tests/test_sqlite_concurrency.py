"""Several workers writing to the embedded SQLite database wait their turn instead of failing."""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text

from quizapp.database import tune_engine, write_intent


def test_concurrent_read_then_write_transactions_do_not_fail(tmp_path):
    url = "sqlite:///" + str(tmp_path / "busy.sqlite")
    engine = create_engine(url)
    tune_engine(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (1, 0)"))
    errors: list[Exception] = []
    workers, rounds = 6, 40

    def worker() -> None:
        write_intent.set(True)  # what a POST request declares
        for _ in range(rounds):
            try:
                with engine.begin() as conn:  # read, then write: the pattern that deadlocks with BEGIN
                    n = conn.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()
                    conn.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
            except Exception as exc:  # noqa: BLE001 - collected for the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        total = conn.execute(text("SELECT n FROM counter")).scalar_one()
        journal = conn.execute(text("PRAGMA journal_mode")).scalar_one()
        foreign_keys = conn.execute(text("PRAGMA foreign_keys")).scalar_one()
    engine.dispose()
    assert errors == []
    assert total == workers * rounds  # no lost update either
    assert journal == "wal" and foreign_keys == 1
