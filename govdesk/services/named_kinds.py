"""A registry of kinds named by words — the files govdesk produces (services/office_files), the
台账 it imports (services/imports): each kind's module registers it when imported, and the
modules are read on first use, so the CLI's ``--help`` and the desk both see every kind.

A kind has ``kind`` (its key) and ``words`` (its Chinese name first, then ASCII aliases).
"""

from __future__ import annotations

import importlib
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    kind: str
    words: tuple[str, ...]


K = TypeVar("K", bound=Named)


class Registry(Generic[K]):
    def __init__(self, package: str, modules: tuple[str, ...]) -> None:
        self.package = package
        self.modules = modules
        self._kinds: dict[str, K] = {}
        self._loaded = False

    def register(self, kind: K) -> K:
        self._kinds[kind.kind] = kind
        return kind

    def kinds(self) -> dict[str, K]:
        """Every kind, its module imported on first use."""
        if not self._loaded:
            for name in self.modules:
                importlib.import_module(f"{self.package}.{name}")
            self._loaded = True
        return self._kinds

    def kind_of(self, word: str) -> K | None:
        """The kind a word names (Chinese, Traditional or an ASCII alias), or None."""
        from govdesk.services.fulltext import simplified

        key = simplified(word.strip()).lower()
        for kind in self.kinds().values():
            if key in (simplified(w).lower() for w in kind.words):
                return kind
        return None

    def kind_list(self) -> str:
        """The kinds as --help lists them: 公文（gongwen）…"""
        return "；".join(f"{k.words[0]}（{'、'.join(k.words[1:])}）"
                        for k in self.kinds().values())
