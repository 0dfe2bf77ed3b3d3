"""Import every module of govdesk.models and govdesk.services (sub-packages too); print what
got loaded."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys

import govdesk.models
import govdesk.services

names = ["govdesk.services", "govdesk.models"]
for package in (govdesk.services, govdesk.models):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)

print(json.dumps({
    "imported": names,
    "ui": sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "rich"))),
}))
