"""``python -m tests.helpers.as_account LOGIN today --db …``: the command line as the OS
account ``LOGIN`` would run it, without creating that account.

On an office database who you are comes from the kernel alone (services/identity.py), and no
environment variable changes it; a test that needs several people on one real database pins
the login inside the process, which nothing outside it can do."""

from __future__ import annotations

import sys

from govdesk import cli
from govdesk.services import identity

if __name__ == "__main__":
    identity.pin_login(sys.argv[1])
    raise SystemExit(cli.main(sys.argv[2:]))
