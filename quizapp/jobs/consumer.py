"""What the queue consumer loads: `huey_consumer quizapp.jobs.consumer.huey` (see `make run`)."""

from quizapp import create_app

app = create_app()
huey = app.extensions["job_queue"].huey
