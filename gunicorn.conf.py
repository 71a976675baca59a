"""Gunicorn settings for `make run`: one process that also runs the scheduler.

With EMBEDDED_SCHEDULER=1 (set by `make run`) the scheduler starts in the worker once
the application is loaded. A production deployment with several workers leaves it unset
and runs `flask --app run scheduler run` as a process of its own.
"""

import os

import gunicorn.http.wsgi

# Gunicorn writes "Server: gunicorn" on every answer and has no setting for it: naming the
# software tells a scanner which exploits to try. Its responses read this module-level
# name when they are made (in the workers, forked after this file is read).
SERVER_HEADER = "web"
gunicorn.http.wsgi.SERVER = SERVER_HEADER


def post_worker_init(worker):
    if os.environ.get("EMBEDDED_SCHEDULER") == "1":
        from app.scheduler import start_embedded

        start_embedded(worker.wsgi)

# The longest request line gunicorn takes (its default is 4094): an API read's ``q`` up to
# this reaches the application, which answers a malformed one with a 400; only a longer
# line is a 414 (documented on every operation).
limit_request_line = 8190
