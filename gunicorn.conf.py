"""gunicorn's settings for Zayavka (read from the working directory: `gunicorn wsgi:app`).

Each worker loads the app, then moves everything it built so far — modules, templates,
SQLAlchemy's mappers, Babel's catalogs — into the garbage collector's permanent generation
(gc.freeze): the collector stops walking those hundreds of thousands of long-lived objects,
which made one request in about seventy pause for ~120 ms (bench/README.md, issue 18)."""
import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
