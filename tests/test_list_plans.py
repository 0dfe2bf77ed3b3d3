"""Every list and count Home, `govdesk today`, the section screens, the line desks and 督查室 show
is answered through an index: EXPLAIN QUERY PLAN of each statement the services run finds no
scan of the task table and no sort of a whole result (only of one due date's ties, "RIGHT PART").
Pages join up; 督查室's counts per holder add up to the tasks behind Home's deadline rows (whose
documents test_demo_scale counts over the tables)."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from conftest import TODAY

from govdesk.models import Person, Section, database
from govdesk.services import (
    inbox,
    incoming,
    list_filter,
    outgoing,
    register_sort,
    section_work,
    today,
)
from govdesk.services.context import Actor

NOW = datetime.combine(TODAY, time(10, 30))
SCREENS = (("mishu",), ("ban1", "ban2"), ("diaoyan",), ("xinxi",), ("ducha",), ("jiedai",))

# "FROM task t", 'JOIN "person" AS "t3"': which table each alias of a statement names.
_ALIAS = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?', re.IGNORECASE)


FILTER_LINES = ("类:收文", "急:特急,加急", "在办:秘书科", "在办:李晓梅", "状态:审核",
                "单位:财政", "期限:11-01..11-30", "关于", "类:发文 急:普通 期限:..12-31 通知")


def _actor(login: str) -> Actor:
    return Actor(Person.get(Person.login == login), NOW)


def _supervisor() -> Actor:
    person = (Person.select().join(Section)
              .where((Section.code == "ducha") & Person.active).order_by(Person.id).first())
    return Actor(person, NOW)


def _captured(monkeypatch, calls) -> list[tuple[str, tuple]]:
    """The SELECT statements (with their parameters) the calls run."""
    seen: list[tuple[str, tuple]] = []
    db = database.obj
    run = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params or ())))
        return run(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", spy)
    try:
        for call in calls:
            call()
    finally:
        monkeypatch.setattr(db, "execute_sql", run)
    return seen


def _problems(sql: str, params: tuple) -> list[str]:
    tables = {alias.lower(): table.lower() for table, alias in _ALIAS.findall(sql)}
    if not {"task", "reminder"} & set(tables.values()):
        return []
    plan = [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    out = []
    for line in plan:
        scan = re.match(r"SCAN (\w+)", line)
        if scan:
            table = tables.get(scan.group(1).lower(), scan.group(1).lower())
            # The 催办 log walks reminder_at newest first and stops at its page.
            if table == "task" or (table == "reminder" and "INDEX reminder_at" not in line):
                out.append(line)
        if "USE TEMP B-TREE FOR ORDER BY" in line:
            out.append(line)
        # A condition on the flow's kind must not make the database read every flow of that
        # kind to find the few waiting tasks (inbox.tasks_from).
        # (One flow by its id or record is a lookup: ``kind=? AND rowid=?``, ``record_id=?``.)
        if re.search(r"INDEX flow_kind\w* \(kind=\?\)", line) and "task" in tables.values():
            out.append(line)
    return [f"{p}\n    in {sql}\n    plan {plan}" for p in out]


def _calls():
    clerk, head, supervisor = _actor("lixm"), _actor("linzh"), _supervisor()
    calls = []
    for actor in (clerk, head, supervisor):
        calls += [
            lambda a=actor: inbox.inbox(a), lambda a=actor: inbox.inbox(a, limit=20, offset=40),
            lambda a=actor: inbox.inbox_count(a), lambda a=actor: inbox.deadlines(a),
            lambda a=actor: inbox.deadlines(a, limit=20, offset=40),
            lambda a=actor: inbox.deadline_tasks(a),
            lambda a=actor: inbox.deadline_counts(a), lambda a=actor: today.summary(a),
        ]
        calls += [lambda a=actor, label=label: inbox.deadlines(a, limit=10, label=label)
                  for label in (inbox.OVERDUE, inbox.TODAY, inbox.SOON)]
    for codes in SCREENS:
        calls += [lambda c=codes, f=f: section_work.section_items(clerk, c, f)
                  for f in ("all", "mine", "overdue")]
        calls += [lambda c=codes, f=f: section_work.section_count(clerk, c, f)
                  for f in ("all", "mine", "overdue")]
    # A filter line's conditions ride on the same branches (services.list_filter).
    for line in FILTER_LINES:
        def where(a=clerk, line=line):
            return list_filter.task_condition(a, list_filter.check(a, line))
        for codes in SCREENS[:2]:
            calls += [lambda c=codes, f=f, w=where: section_work.section_items(clerk, c, f,
                                                                                where=w())
                      for f in ("all", "mine", "overdue")]
            calls += [lambda c=codes, f=f, w=where: section_work.section_count(clerk, c, f,
                                                                                where=w())
                      for f in ("all", "mine", "overdue")]
        calls += [lambda w=where, a=actor: inbox.inbox(a, where=w())
                  for actor in (clerk, head)]
        calls += [lambda w=where, a=actor: inbox.inbox_count(a, where=w())
                  for actor in (clerk, head)]
        calls += [lambda w=where, a=actor: inbox.deadlines(a, where=w())
                  for actor in (clerk, head, supervisor)]
        calls += [lambda w=where, a=actor: inbox.deadline_counts(a, where=w())
                  for actor in (clerk, head, supervisor)]
        calls += [lambda w=where, label=label: inbox.deadlines(head, limit=10, label=label,
                                                               where=w())
                  for label in (inbox.OVERDUE, inbox.TODAY, inbox.SOON)]
        calls += [lambda line=line: incoming.register_page(clerk, filter=line, limit=20),
                  lambda line=line: outgoing.register_page(clerk, filter=line, limit=20)]
    calls += [
        lambda: section_work.line_desks(clerk),
        lambda: section_work.reminder_log(supervisor),
        lambda: section_work.holder_loads(supervisor),
        lambda: section_work.holder_loads(clerk),
    ]
    return calls


def test_no_list_scans_the_task_table(year, monkeypatch):
    statements = _captured(monkeypatch, _calls())
    assert len(statements) > 50
    problems = [p for sql, params in dict.fromkeys(statements) for p in _problems(sql, params)]
    assert problems == [], "\n".join(problems)


def test_no_list_scans_the_task_table_without_statistics(demo_db, monkeypatch):
    """The small demo has no sqlite_stat1: the planner must find the same indexes unaided."""
    database.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
    statements = _captured(monkeypatch, _calls())
    problems = [p for sql, params in dict.fromkeys(statements) for p in _problems(sql, params)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("login", ["lixm", "linzh"])
def test_pages_follow_each_other(year, login):
    """Pages of the inbox and of the deadlines join into the list read at once."""
    actor = _actor(login)
    whole = [i.task_id for i in inbox.inbox(actor, limit=300)]
    pages = [i.task_id for n in range(0, 300, 70) for i in inbox.inbox(actor, limit=70, offset=n)]
    assert pages[:300] == whole
    whole = [i.task_id for i in inbox.deadlines(actor, limit=120)]
    pages = [i.task_id for n in range(0, 120, 50)
             for i in inbox.deadlines(actor, limit=50, offset=n)]
    assert pages[:120] == whole


def test_holder_loads_equal_the_deadlines_counted_by_holder(year):
    """督查室's load counts tasks per holder: the tasks behind the deadline rows."""
    supervisor = _supervisor()
    counts = inbox.deadline_counts(supervisor)
    loads = section_work.holder_loads(supervisor)
    tasks = inbox.deadline_tasks(supervisor, limit=100_000)
    assert sum(r.overdue for r in loads) == sum(i.label == inbox.OVERDUE for i in tasks)
    assert sum(r.overdue for r in loads) >= counts.overdue  # documents, each once
    assert sum(r.soon for r in loads) == sum(i.label in (inbox.TODAY, inbox.SOON) for i in tasks)
    assert loads == section_work.load_by_holder([i for i in tasks if i.label])
    assert len({i.flow_id for i in tasks}) == counts.total


# ---------------------------------------------------------------- the registers, sorted

_DOC_TABLES = {"incoming": "incoming_document", "outgoing": "outgoing_document"}


def _register_calls(kind: str, column: str, descending: bool):
    """Every page a sorted register reads: the first, the one below, the one above, the last,
    with the state box, the search text, each filter line, and a viewer of no clearance."""
    service = incoming if kind == "incoming" else outgoing
    state = "已办结" if kind == "incoming" else "审核中"
    calls = []
    for login in ("lixm", "zhangyt"):
        who = _actor(login)
        for args in ({}, {"state": state}, {"text": "关于"}, {"text": "关于", "state": state},
                     *({"filter": line} for line in FILTER_LINES)):
            def pages(who=who, args=args):
                first = service.register_page(who, sort=column, descending=descending,
                                              limit=20, **args)
                if first:
                    mid = first[-1].cursor
                    service.register_page(who, sort=column, descending=descending, limit=20,
                                          before=(mid.value, mid.id), **args)
                    service.register_page(who, sort=column, descending=descending, limit=20,
                                          after=(mid.value, mid.id), **args)
                    service.register_page(who, sort=column, descending=descending, limit=20,
                                          after=(None, mid.id), **args)
                service.register_page(who, sort=column, descending=descending, limit=20,
                                      last=True, **args)
            calls.append(pages)
    return calls


def _register_problems(kind: str, column: str, sql: str, params: tuple) -> list[str]:
    """The register's table must be walked in the sort's order — by its id for 编号, else by
    the sort's index — and nothing sorted afterwards."""
    table = _DOC_TABLES[kind]
    tables = {alias.lower(): name.lower() for name, alias in _ALIAS.findall(sql)}
    if table not in tables.values():
        return []
    plan = [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
    by_id = column == register_sort.NUMBER
    out = [line for line in plan if "USE TEMP B-TREE FOR ORDER BY" in line]
    for line in plan:
        found = re.match(r"(SCAN|SEARCH) (\w+)", line)
        if not found or tables.get(found.group(2).lower()) != table:
            continue
        if "INTEGER PRIMARY KEY (rowid=?)" in line:
            continue  # one record by its id (a cursor's value, a search hit)
        index = re.search(r"USING (?:COVERING )?INDEX (\w+)", line)
        index = index.group(1) if index else None
        if by_id:  # by id: the table itself, or by id within one state
            walk = (line == f"SCAN {found.group(2)}" or "INTEGER PRIMARY KEY (rowid" in line
                    or index in register_sort.indexes_of(kind, column))
        else:
            walk = index in register_sort.indexes_of(kind, column)
        if not walk:
            out.append(line)
    return [f"{p}\n    in {sql}\n    plan {plan}" for p in out]


REGISTER_SORTS = [(kind, column, descending) for kind, columns in register_sort.SORTABLE.items()
                  for column in columns for descending in (True, False)]


def _sorted_register_problems(monkeypatch) -> list[str]:
    problems = []
    for kind, column, descending in REGISTER_SORTS:
        statements = _captured(monkeypatch, _register_calls(kind, column, descending))
        assert statements
        problems += [p for sql, params in dict.fromkeys(statements)
                     for p in _register_problems(kind, column, sql, params)]
    return problems


def test_every_sorted_register_page_walks_its_index(year, monkeypatch):
    """Each sort of each register, either way: the table read in the sort's order only (by
    id for 编号, else through the sort's index), no sort of the rows read."""
    problems = _sorted_register_problems(monkeypatch)
    assert problems == [], "\n".join(problems[:10])


def test_every_sorted_register_page_walks_its_index_without_statistics(demo_db, monkeypatch):
    database.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
    problems = _sorted_register_problems(monkeypatch)
    assert problems == [], "\n".join(problems[:10])
