"""Hostile values and the one property every service entry point must keep (issue 4, item 4).

``check(name, call, labels=..., stored=...)`` runs ``call`` inside a transaction that is rolled
back afterwards, so one database serves every example of a test. The call must either succeed
(and ``stored`` then checks the value was kept exactly, after the documented strip()) or raise a
ServiceError; a ValidationError must name one of ``labels`` and its text must start with it.
After a refusal every table is exactly as before: nothing saved half-way.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from govdesk.models import ALL_MODELS, database
from govdesk.services.errors import ServiceError, ValidationError

# How many examples each entry point ran (printed at the end of each test module).
EXAMPLES: Counter = Counter()
OUTCOMES: Counter = Counter()
# BAD_INPUT_COLLECT=1 lists every distinct crash instead of stopping at the first (exploring).
COLLECT = os.environ.get("BAD_INPUT_COLLECT") == "1"
CRASHES: dict[str, str] = {}

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------------------- hostile values

MB = 1 << 20
HUGE = [
    "字" * MB,            # 1 M characters of CJK (3 MB of UTF-8)
    "a" * MB,
    "😀" * (MB // 4),     # astral plane, 1 MB of UTF-8
    "关于" + " " * MB + "的通知",  # huge only in blanks
]
SQL = [
    "'; DROP TABLE incoming_document; --",
    "Robert'); DROP TABLE person;--",
    "\" OR 1=1 --",
    "1 OR 1=1",
    "' UNION SELECT login, name FROM person --",
    "%", "_", "%_%", "\\", "\\%", "'", "''", "\"",
    "*/ DELETE FROM audit_entry; /*",
]
ODD = [
    "", " ", "　", "\t\n ", "\n\n\n",
    "\x00", "标题\x00隐藏", "a\x1bb", "\x1b[31m红字\x1b[0m", "\x07", "\x7f", "\r\n", "a\rb",
    "\u202e倒序abc", "\ufeffBOM", "\u200b", "a\u2028b", "\u0085",
    "😀", "👨\u200d👩\u200d👧", "🇨🇳", "1️⃣",
    "𠀀𪚥𰻞", "Ｔｅｓｔ全角", "مرحبا", "Здравствуйте", "ไทย", "한국어", "繁體中文與简体中文",
    "e\u0301", "İı", "ǅ", "\ufdd0", "\U0010ffff",
    "关于做好冬季安全生产工作的通知",  # an ordinary value now and then
    "  前后有空格  ",
]
SURROGATE = "\ud800"  # a lone surrogate: not encodable as UTF-8
WRONG_TYPES = [
    None, 0, -1, 10**12, 2**63, 10**30, 1.5, float("nan"), float("inf"), True, False,
    {}, {"title": "x"}, [], ["x"], ("x",), b"bytes", bytearray(b"x"), set(),
    date(2026, 11, 26), datetime(2026, 11, 26, 9, 30), object(),
]
BAD_DATES = [
    date(1, 1, 1), date(9999, 12, 31), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59),
    "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "2026-00-10", "20261126",
    "2026/11/26", "26-11-2026", "二〇二六年十一月", "", " ", "2026-11-26T25:00", "-2026-01-01",
    "2026-11-26\x00", "１９９９-０１-０１",
]
IDS = [0, -1, 10**12, -(2**63), 2**63 - 1, 2**63, 10**30, None, "1", "abc", "1 OR 1=1", 1.5,
       True, {}, [], [1], b"1"]


def texts() -> st.SearchStrategy:
    """Hostile text: fixed samples (SQL, control, scripts, emoji, 1 MB) and generated ones."""
    return st.one_of(
        st.sampled_from(ODD + SQL),
        st.sampled_from(HUGE),
        st.text(max_size=40),  # includes control characters and every plane but surrogates
        st.text(st.sampled_from("中文繁體😀🇨🇳\u200b\x00\x1b\t\n 'a%_\\ғ٣"), max_size=30),
        st.just(SURROGATE + "abc"),
    )


def mostly(good: Any, bad: st.SearchStrategy) -> st.SearchStrategy:
    """``good`` about half the time, so the success path (and its round trip) is tried too."""
    return st.one_of(st.just(good), st.just(good), st.just(good), bad)


def anything() -> st.SearchStrategy:
    """Text or a value of the wrong type."""
    return st.one_of(texts(), st.sampled_from(WRONG_TYPES))


def ids() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(IDS), st.integers(min_value=-10, max_value=10**6))


def dates() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(BAD_DATES + WRONG_TYPES), st.dates(), texts())


def datetimes() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(BAD_DATES + WRONG_TYPES), st.datetimes(), texts())


def field_dicts(keys: Iterable[str], extra: dict[str, st.SearchStrategy] | None = None,
                base: dict[str, Any] | None = None) -> st.SearchStrategy:
    """A form's dict: a good base with some keys replaced by hostile values."""
    keys = list(keys)
    extra = extra or {}

    @st.composite
    def build(draw) -> dict:
        out = dict(base or {})
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4, unique=True))
        for key in chosen:
            out[key] = draw(extra.get(key, anything()))
        return out

    return build()


# ---------------------------------------------------------------------------- the property


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: a refusal must leave all of them as they were."""
    out = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        out[table] = database.execute_sql(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    return out


def _diff(before: dict, after: dict) -> list[str]:
    changed = []
    for table, rows in before.items():
        if rows != after[table]:
            changed.append(f"{table}: {len(rows)} rows → {len(after[table])} rows")
    return changed


class _NoTransaction:
    """For an entry point that must not run inside a write transaction (an online backup
    waits for it forever); it writes nothing to the database anyway."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def rollback(self) -> None:
        pass


def check(name: str, call: Callable[[], Any], *, labels: Iterable[str],
          stored: Callable[[Any], None] | None = None, transaction: bool = True) -> Any:
    """Run one example of entry point ``name`` and check the property; see the module doc."""
    EXAMPLES[name] += 1
    labels = set(labels)
    with (database.atomic() if transaction else _NoTransaction()) as txn:
        before = snapshot()
        try:
            result = call()
        except ValidationError as exc:
            OUTCOMES[f"{name}: refused"] += 1
            assert exc.field, f"{name}: ValidationError without a field: {exc!r}"
            assert exc.field in labels, f"{name}: field {exc.field!r} not one of {sorted(labels)}"
            assert exc.message, f"{name}: ValidationError without a message"
            assert str(exc).startswith(f"{exc.field}："), str(exc)
            after = snapshot()
            assert before == after, f"{name} saved half-way: {_diff(before, after)}"
            txn.rollback()
            return None
        except ServiceError as exc:
            OUTCOMES[f"{name}: refused"] += 1
            assert str(exc), f"{name}: {type(exc).__name__} without a message"
            after = snapshot()
            assert before == after, f"{name} saved half-way: {_diff(before, after)}"
            txn.rollback()
            return None
        except Exception as exc:  # the bug this file hunts
            txn.rollback()
            if COLLECT:
                tb = exc.__traceback__
                while tb.tb_next is not None and "site-packages" not in tb.tb_next.tb_frame.f_code.co_filename:
                    tb = tb.tb_next
                where = f"{tb.tb_frame.f_code.co_filename.split('/')[-1]}:{tb.tb_lineno}"
                CRASHES.setdefault(f"{name} {type(exc).__name__} @ {where}", str(exc)[:150])
                return None
            raise AssertionError(f"{name} crashed with {type(exc).__name__}: "
                                 f"{str(exc)[:300]}") from exc
        OUTCOMES[f"{name}: accepted"] += 1
        try:
            if stored is not None:
                stored(result)
        finally:
            txn.rollback()
        return result


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def report(config, title: str) -> None:
    """Print how many examples ran per entry point (the lead quotes these numbers)."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if terminal is None or not EXAMPLES:
        return
    if capture is not None:
        with capture.global_and_fixture_disabled():
            _write(terminal, title)
    else:
        _write(terminal, title)


def _write(terminal, title: str) -> None:
    terminal.write_line("")
    terminal.write_line(f"{title}: hypothesis examples per entry point")
    for name in sorted(EXAMPLES):
        ok, no = OUTCOMES[f"{name}: accepted"], OUTCOMES[f"{name}: refused"]
        terminal.write_line(f"  {name:36} {EXAMPLES[name]:4d}  (accepted {ok}, refused {no})")
    for key, message in sorted(CRASHES.items()):
        terminal.write_line(f"  CRASH {key}: {message}")
    CRASHES.clear()
    EXAMPLES.clear()
    OUTCOMES.clear()
