"""govdesk — the district government office's desk in a terminal."""

from govdesk.drivers import import_peewee as _import_peewee

__version__ = "0.1.0"

_import_peewee()  # without psycopg2: it loads for a postgresql:// target (govdesk/drivers.py)
