"""请假登记簿 (SPEC §7; Part 3 §22): department heads' leave, newest first, where each is now;
``n`` registers one (the head's written notice, or the head asking for themselves), Enter opens
it. Reached from 秘书科 and the palette."""

from __future__ import annotations

from textual.app import App

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.record_register import RecordRegisterScreen
from govdesk.services import leave
from govdesk.services.engine import core as engine
from govdesk.widgets.paged_table import Page


def head_choices(actor) -> list[tuple[str, str]]:
    """Worker thread: the heads the user may register leave for, as (label, login)."""
    return [(t("leave.head_choice", unit=h.unit.short, name=h.name, grade=term(h.post)),
             h.login) for h in leave.heads_for(actor)]


def new_leave(app: App, done=None) -> None:
    """The request form: who, from, to, where, why, how to reach them. A refusal names the
    field and keeps what was typed; a saved request opens. The heads' list is read in a
    worker; the form opens when it comes."""
    run_service(app.screen, head_choices, app.actor(),
                done=lambda choices: _leave_form(app, choices, done),
                refused=lambda exc: app.notify(str(exc), severity="error"), writes=False)


def _leave_form(app: App, choices: list[tuple[str, str]], done) -> None:
    if not choices:
        app.notify(t("leave.no_heads"), severity="warning")
        return
    saved: list = []

    def apply(values: dict) -> None:  # in a worker, with the holders named for the notice
        row = leave.register(app.actor(), values)
        saved.append((row.id, engine.holders_by_record(leave.KIND, [row.id]).get(row.id, "")))

    def closed(ok: bool | None) -> None:
        if ok and saved:
            row_id, who = saved[-1]
            app.notify(t("leave.saved", who=who))
            registry.open_record(app, leave.KIND, row_id)
        if done is not None:
            done(bool(ok))

    fields = [
        Field("person", t("leave.f_person"), choices[0][1], choices=choices),
        Field("starts_on", t("leave.f_starts_on")),
        Field("ends_on", t("leave.f_ends_on")),
        Field("destination", t("leave.f_destination")),
        Field("reason", t("leave.f_reason")),
        Field("contact", t("leave.f_contact")),
    ]
    app.push_screen(LeaveFormModal(t("leave.new_title"), apply, fields,
                                   note=t("leave.new_note"), draft=("leave", None)), closed)


class LeaveFormModal(FieldsModal):
    """The request form: six fields, one line each, so it fits an 80×24 terminal."""

    DEFAULT_CSS = """
    LeaveFormModal Input, LeaveFormModal Select { margin-bottom: 0; }
    """


class LeaveRegisterScreen(RecordRegisterScreen):
    HOWTO = "howto.leave_register"  # F1's how-to (screens/help.py)
    COMMAND_IDS = ("leave_register.back", "leave_register.new", "leave_register.open",
                   "list.export")
    EXPORT_KIND = "leave"
    KIND = leave.KIND
    TABLE_ID, TITLE_ID = "leave-register", "leave-title"
    # The place last: on an 80-column terminal it narrows first.
    COLUMNS = ("title", "grade", "period", "state", "due", "holders", "destination")
    COLUMN_LABEL = "leave.col_{key}"
    NARROW = (("destination", 8), ("holders", 8))
    SUB_TITLE, TITLE_KEY = "leave.registers", "leave.register_title"

    def read_page(self, actor, page: Page, query) -> list:
        return leave.register_page(actor, **page.keyset_args())

    def cells(self, r, due: str) -> list:
        return [f"{term(r.unit)} {r.person}", term(r.grade),
                f"{r.starts_on:%m-%d}—{r.ends_on:%m-%d}", term(r.state), due, term(r.holders),
                r.destination]

    def new_record(self, done) -> None:
        new_leave(self.app, done)

    action_new_leave = RecordRegisterScreen.action_new_record  # leave_register.new
