"""The people/unit/section picker and the forms that use it hold plain data (frozen choices,
names resolved), search in a worker where the newest text wins, and hand the services ids the
services check again (DESIGN "The UI thread never waits")."""

from __future__ import annotations

import dataclasses
import threading
import time

import peewee
import pytest
from textual.widgets import Input, Select

from govdesk.app import GovDesk
from govdesk.models import IncomingDocument, Person, Unit
from govdesk.screens.incoming.form import IncomingFormScreen
from govdesk.screens.outgoing.form import OutgoingFormScreen
from govdesk.services import incoming, org, outgoing
from govdesk.services.errors import ValidationError
from govdesk.widgets import picker as picker_module
from govdesk.widgets.picker import PEOPLE, SECTIONS, UNITS, Picker
from tests.conftest import NOW, actor


def app_as(login: str) -> GovDesk:
    return GovDesk(person=org.person_by_login(login), poll=False, now=NOW)


def plain(value) -> bool:
    """A frozen dataclass, and nothing in it a peewee row."""
    if isinstance(value, peewee.Model) or not dataclasses.is_dataclass(value):
        return False
    if not type(value).__dataclass_params__.frozen:
        return False
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        items = item if isinstance(item, tuple) else (item,)
        if any(isinstance(i, peewee.Model) for i in items):
            return False
        if any(dataclasses.is_dataclass(i) and not plain(i) for i in items):
            return False
    return True


async def pick(pilot, picker: Picker, keys: list[str]) -> list | None:
    """Push ``picker``, press ``keys`` in one burst, and wait for what it hands back."""
    got: list = []
    pilot.app.push_screen(picker, got.append)
    await pilot.pause()
    await pilot.press(*keys)
    for _ in range(200):
        if got:
            return got[0]
        await pilot.pause(0.05)
    raise AssertionError("the picker never answered")


async def test_picker_hands_back_plain_choices(db):
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        [unit] = await pick(pilot, Picker(UNITS), [*"jiaoyu", "enter"])
        assert isinstance(unit, org.UnitChoice) and plain(unit)
        assert unit.code == Unit.get(Unit.short == "区教育局").code
        assert unit.name == "黄岩区教育局"

        [person] = await pick(pilot, Picker(PEOPLE), [*"zgl", "enter"])
        assert isinstance(person, org.PersonChoice) and plain(person)
        row = Person.get(Person.login == "zhaogl")
        assert (person.id, person.login, person.name) == (row.id, row.login, row.name)
        assert person.section_name == row.section.name

        # A whole section ticked in the people picker: its people, each plain.
        people = await pick(pilot, Picker(PEOPLE, multi=True, with_sections=True),
                            [*"byk", "enter", "ctrl+s"])
        assert len(people) == 5
        assert all(isinstance(p, org.PersonChoice) and plain(p) for p in people)

        sections = await pick(pilot, Picker(SECTIONS, multi=True), [*"byk", "enter", "ctrl+s"])
        assert [type(s) for s in sections] == [org.SectionChoice]
        assert plain(sections[0]) and sections[0].code == "ban1"

        assert await pick(pilot, Picker(UNITS), ["escape"]) is None


async def test_traditional_typed_in_the_unit_picker_finds_the_unit(db):
    """財政 (繁體, as a Taiwan IME or the seed writes it) finds 区财政局."""
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        box = Picker(UNITS)
        got: list = []
        pilot.app.push_screen(box, got.append)
        await pilot.pause()
        await pilot.press("財", "政")
        for _ in range(100):
            if not box.searching and box.shown_query == "財政":
                break
            await pilot.pause(0.05)
        assert "区财政局" in [u.short for u in box._shown.values()]
        await pilot.press("enter")
        for _ in range(100):
            if got:
                break
            await pilot.pause(0.05)
        assert [u.short for u in got[0]] == ["区财政局"]


@pytest.mark.db_blocked  # Pilot waits for no worker: the keys come as fast as a typist's
async def test_a_burst_of_keys_searches_the_final_text(db, monkeypatch):
    """Each key starts a search; the earlier ones answer late (slowed here) and are dropped;
    Enter pressed before the last answer acts on the list for the text as typed."""
    real = picker_module.search
    threads: set[str] = set()
    queries: list[str] = []

    def slow(kind, query, with_sections):
        threads.add(threading.current_thread().name)
        queries.append(query)
        time.sleep(0.2 if query == "caiz" else 0.5)  # Enter comes before any answer
        return real(kind, query, with_sections)

    monkeypatch.setattr(picker_module, "search", slow)
    expected = org.pick_units("caiz", limit=50)
    assert len(expected) >= 1
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        box = Picker(UNITS)
        got: list = []
        pilot.app.push_screen(box, got.append)
        await pilot.pause()
        await pilot.press("c", "a", "i", "z", "enter")
        for _ in range(100):
            if got:
                break
            await pilot.pause(0.05)
        assert got == [[expected[0]]]
        assert box.shown_query == "caiz"
        assert "caiz" in queries and "c" in queries  # every key searched, the last one won
        assert threading.main_thread().name not in threads  # searched off the UI thread


@pytest.mark.db_blocked
async def test_the_list_shows_the_final_text_after_a_burst(db, monkeypatch):
    real = picker_module.search

    def slow(kind, query, with_sections):
        time.sleep(0.3 if len(query) < 3 else 0)
        return real(kind, query, with_sections)

    monkeypatch.setattr(picker_module, "search", slow)
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        box = Picker(PEOPLE)
        pilot.app.push_screen(box)
        await pilot.pause()
        await pilot.press(*"zgl")
        for _ in range(100):
            if not box.searching and box.shown_query == "zgl":
                break
            await pilot.pause(0.05)
        await pilot.pause(0.5)  # the slow answers for "z" and "zg" arrive, and are dropped
        assert box.shown_query == "zgl"
        assert [p.login for p in box._shown.values()] == [
            p.login for p in org.pick_people("zgl", limit=50)]


async def test_a_unit_typed_not_in_the_directory_gets_a_notice(db):
    """Typed, not picked, and unknown to the directory: a notice with the closest units as the
    field is left; a unit picked afterwards clears it."""
    from textual.widgets import Label

    async with app_as("lixm").run_test(size=(100, 40)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, IncomingFormScreen)
        notice = form.query_one("#from-notice", Label)
        await pilot.press(*"区财正局", "tab")
        for _ in range(100):
            if notice.display:
                break
            await pilot.pause(0.05)
        assert notice.display and "区财政局" in str(notice.render())
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press(*["backspace"] * 4, *"caizheng", "enter")  # the typed name first
        for _ in range(100):
            if not isinstance(pilot.app.screen, Picker):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert form.query_one("#from_name", Input).value == "黄岩区财政局"
        assert not notice.display
        # Saved as typed, without leaving the field: registered, and the notice said again.
        form.query_one("#from_name", Input).value = "区财正局"  # the picked unit overwritten
        form.query_one("#title", Input).value = "来自名录外单位的函"
        await pilot.press("ctrl+s")
        for _ in range(100):
            if pilot.app.screen is not form:
                break
            await pilot.pause(0.05)
        doc = IncomingDocument.get(IncomingDocument.title == "来自名录外单位的函")
        assert doc.from_name == "区财正局" and doc.from_unit_id is None
        said = [n.message for n in pilot.app._notifications]
        assert any("区财正局" in m and "区财政局" in m for m in said), said


async def test_incoming_form_saves_the_picked_ids(db):
    async with app_as("lixm").run_test(size=(100, 40)) as pilot:
        await pilot.press("1", "n")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, IncomingFormScreen)
        assert form.loaded
        leaders = form.query_one("#addressed_leader", Select)
        assert len(leaders._options) > 1  # the leaders came from the worker
        for key, text in (("ctrl+g", "jiaoyu"), ("ctrl+t", "caiz"), ("ctrl+r", "zgl")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, Picker)
            await pilot.press(*text, "enter")
            await pilot.pause()
            assert pilot.app.screen is form
        assert isinstance(form.from_unit, org.UnitChoice)
        assert isinstance(form.remit_unit, org.UnitChoice)
        assert isinstance(form.urging, org.PersonChoice)
        form.query_one("#title", Input).focus()
        await pilot.press(*"shoucai")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is not form
    doc = IncomingDocument.get()
    assert doc.from_unit_id == Unit.get(Unit.name == "黄岩区教育局").id
    assert doc.remit_unit_id == org.pick_units("caiz")[0].id
    assert doc.urging_person_id == Person.get(Person.login == "zhaogl").id


async def test_edit_form_loads_in_a_worker(db):
    fields = {"from_unit": "区教育局", "title": "原标题", "urging_person": "zhaogl"}
    try:
        doc = incoming.register(actor("lixm"), fields)
    except ValidationError:  # the unit code differs: by its name then
        fields["from_unit"] = "黄岩区教育局"
        doc = incoming.register(actor("lixm"), fields)
    async with app_as("lixm").run_test(size=(100, 40)) as pilot:
        form = IncomingFormScreen(doc.id)
        await pilot.app.push_screen(form)
        await pilot.pause()
        assert form.loaded
        assert form.query_one("#title", Input).value == "原标题"
        assert not form.query_one("#title", Input).disabled
        assert isinstance(form.from_unit, org.UnitChoice) and plain(form.from_unit)
        assert form.from_unit.id == doc.from_unit_id
        assert isinstance(form.urging, org.PersonChoice) and form.urging.login == "zhaogl"
        assert form.values()["from_unit"] == form.from_unit


async def test_outgoing_form_lists_come_from_a_worker_and_check_answers(db):
    async with app_as("qianhy").run_test(size=(100, 40)) as pilot:
        await pilot.press("2", "w")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, OutgoingFormScreen)
        assert form.loaded
        assert form.query_one("#drafting_section", Select).value == "diaoyan"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not form.checking
        assert "标题" in str(form.query_one("#problems").render())


# ---------------------------------------------------------------------- services, bad ids

def test_services_take_choices_and_refuse_unknown_ids(db):
    clerk = actor("lixm")
    unit = org.pick_units("jiaoyu")[0]
    person = org.pick_people("zgl")[0]
    doc = incoming.register(clerk, {"from_name": unit.name, "from_unit": unit, "title": "甲",
                                    "remit_unit": unit.id, "urging_person": person})
    assert (doc.from_unit_id, doc.remit_unit_id, doc.urging_person_id) == (
        unit.id, unit.id, person.id)

    ghost_unit = dataclasses.replace(unit, id=10**9)
    ghost_person = dataclasses.replace(person, id=10**9)
    cases = [
        ({"from_unit": ghost_unit}, "来文单位"),
        ({"from_unit": 10**9}, "来文单位"),
        ({"from_unit": 2**70}, "来文单位"),
        ({"from_unit": True}, "来文单位"),
        ({"remit_unit": ghost_unit}, None),
        ({"urging_person": ghost_person}, None),
        ({"urging_person": -5}, None),
    ]
    for extra, label in cases:
        with pytest.raises(ValidationError) as refused:
            incoming.register(clerk, {"from_name": "区财政局", "title": "乙", **extra})
        key = next(iter(extra))
        assert refused.value.name == key, (extra, refused.value.name)
        assert refused.value.field, extra
        if label:
            assert refused.value.field == label
    assert IncomingDocument.select().count() == 1


def test_outgoing_draft_takes_a_unit_choice_and_refuses_a_ghost(db, as_user):
    drafter = as_user("qianhy")
    unit = org.pick_units("caiz")[0]
    base = {"issuer": "区政府办公室", "title": "关于做好冬季安全工作的通知",
            "main_to": "各乡镇人民政府", "body": "正文。", "origin": "department",
            "review_section": "diaoyan"}
    doc = outgoing.create_draft(drafter, {**base, "drafting_unit": unit})
    assert doc.drafting_unit_id == unit.id
    with pytest.raises(ValidationError) as refused:
        outgoing.create_draft(drafter, {**base, "drafting_unit": dataclasses.replace(unit, id=-1)})
    assert refused.value.name == "drafting_unit"


def test_readers_and_borrowers_as_choices(db):
    clerk = actor("lixm")
    doc = incoming.register(clerk, {"from_name": "区财政局", "title": "传阅件"})
    people = org.pick_sections("byk", with_members=True)[0].members
    assert incoming.circulate(clerk, doc.id, list(people)) == len(people)
    ghost = dataclasses.replace(people[0], id=10**9)
    with pytest.raises(ValidationError) as refused:
        incoming.circulate(clerk, doc.id, [ghost])
    assert refused.value.name == "people"
    with pytest.raises(ValidationError) as refused:
        incoming.lend(clerk, doc.id, ghost)
    assert refused.value.field


@pytest.mark.db_blocked  # Pilot waits for no worker: the keys come as fast as a typist's
async def test_a_burst_through_three_pickers_lands_where_meant(db):
    """Ctrl+G, the search, Enter, the next field's text, Ctrl+T, a search, Enter, Ctrl+R, a
    search, Enter — typed in one burst: each search reaches its picker, what follows an Enter
    reaches the form, in order."""
    async with app_as("lixm").run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        for _ in range(100):
            if isinstance(pilot.app.screen, IncomingFormScreen) and pilot.app.screen.loaded:
                break
            await pilot.pause(0.05)
        form = pilot.app.screen
        assert isinstance(form, IncomingFormScreen)
        await pilot.press("ctrl+g", *"caiz", "enter", *"X-1", "ctrl+t", *"jiaoyu", "enter",
                          "ctrl+r", *"zgl", "enter")
        for _ in range(200):
            if pilot.app.screen is form and form.urging is not None:
                break
            await pilot.pause(0.05)
        assert form.from_unit is not None and form.from_unit.code == "cz"
        assert form.query_one("#from_name", Input).value == "黄岩区财政局"
        assert form.query_one("#doc_number", Input).value == "X-1"
        assert form.remit_unit is not None and form.remit_unit.code == "jyj"
        assert form.urging is not None and form.urging.login == "zhaogl"
