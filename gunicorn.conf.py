"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (deploy/quizapp.service does this).

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, …) so the systemd unit
and the smoke test need no copy of this file.
"""

import multiprocessing
import os

# nginx talks to gunicorn on the loopback only; the public side is nginx's (deploy/nginx-quizapp.conf).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5200")

# Sync workers: a page is a few quick queries; 2 × cores + 1 keeps the CPU busy while others wait on the
# database. Capped so that a big machine does not open more database connections than PostgreSQL allows.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
worker_class = "sync"

# A report PDF or a class-list import may take a while; anything past a minute is stuck and is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30  # a restart lets running requests (a quiz being submitted) finish
keepalive = 5  # behind nginx: reuse its upstream connections

# Restart each worker now and then so that a slow leak never becomes an outage (jitter: not all at once).
max_requests = 2000
max_requests_jitter = 200

# Logs to stdout/stderr: systemd's journal keeps and rotates them (docs/operations.md). Set GUNICORN_ACCESS_LOG
# to a file path to write the access log there instead (deploy/logrotate-quizapp rotates it).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(h)s is REMOTE_ADDR after the app's ProxyFix (TRUSTED_PROXIES) has put the real client there: the log
# shows the pupil's address, not nginx's. The request line omits the query string (it may carry a username).
access_log_format = '%(h)s - %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# The app alone decides whom to believe about the scheme and the client (TRUSTED_PROXIES). gunicorn's own
# X-Forwarded-Proto handling would make HTTPS appear even where the app trusts no proxy.
secure_scheme_headers = {}
forwarded_allow_ips = "127.0.0.1,::1"

# No control socket (gunicorn 27 opens one in the user's HOME by default): nothing here uses it, and the
# service user's home is the instance folder.
control_socket_disable = True

# Each worker loads the app itself (no preload): database and Redis connections are never shared across a
# fork. A broken setting still stops the start: the workers fail to boot and gunicorn exits with the message.
preload_app = False
