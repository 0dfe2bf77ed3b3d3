"""信访登记簿 (SPEC §9; Part 2 §3): every case, newest first, with its channel, petitioner (masked
unless the reader may see them), where it stands and its nearest deadline, late on any clock
marked 逾期; ``n`` registers a case from one of the five channels, ``c`` records a call to the
直线电话受理中心, Enter opens a case. Reached from the palette."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from govdesk.commands import HasCommands
from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import OffersExports
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.screens.record_register import RecordRegisterScreen
from govdesk.services import export_folder, exporting, office_files, petition
from govdesk.services import inbox as inbox_service
from govdesk.services.petition import briefing as briefings
from govdesk.services.petition import hotline, views
from govdesk.widgets import badge
from govdesk.widgets.paged_table import Page


def new_petition(app: App, done=None) -> None:
    """The registration form; a saved case opens, for its 拟办."""
    saved: list[int] = []

    def apply(values: dict) -> None:
        person = {k: values.pop(k, "") for k in ("name", "phone", "address", "id_number")}
        values["people"] = [person] if any(person.values()) else []
        saved.append(petition.register(app.actor(), values).id)

    def closed(ok: bool | None) -> None:
        if ok and saved:
            app.notify(t("petition.saved"))
            registry.open_record(app, petition.KIND, saved[-1])
        if done is not None:
            done(bool(ok))

    fields = [
        Field("channel", t("petition.f_channel"),
              choices=[(term(c), c) for c in petition.CHANNELS]),
        Field("summary", t("petition.f_summary")),
        Field("matter", t("petition.f_matter")),
        Field("name", t("petition.f_name")),
        Field("phone", t("petition.f_phone")),
        Field("id_number", t("petition.f_id_number")),
        Field("address", t("petition.f_address")),
        Field("others", t("petition.f_others")),
        Field("category", t("petition.f_category")),
        Field("place", t("petition.f_place")),
        Field("attachments", t("petition.f_attachments")),
        Field("received_on", t("petition.f_received_on"), f"{app.actor().today:%Y-%m-%d}"),
        Field("importance", t("petition.f_importance"),
              choices=[(term(c), c) for c in petition.IMPORTANCE]),
    ]
    app.push_screen(FieldsModal(t("petition.new_title"), apply, fields,
                                note=t("petition.new_note")), closed)


def new_call(app: App, done=None) -> None:
    """A call, one screen while on the phone: caller, number, matter, category and its scope;
    in scope it becomes a case (and opens), out of scope it is recorded as told where to go."""
    saved: list = []

    def apply(values: dict) -> None:
        saved.append(hotline.record_call(app.actor(), values))

    def closed(ok: bool | None) -> None:
        if ok and saved:
            call = saved[-1]
            if call.petition_id:
                app.notify(t("petition.call_in_scope", number=hotline.call_number(call)))
                registry.open_record(app, petition.KIND, call.petition_id)
            else:
                app.notify(t("petition.call_elsewhere", number=hotline.call_number(call),
                             told=hotline.told_text(call)))
        if done is not None:
            done(bool(ok))

    scope = [(f"{name}" if inside else t("petition.scope_elsewhere", name=name, place=place),
              code) for code, name, inside, place in hotline.scope_choices()]
    fields = [
        Field("caller", t("petition.f_caller")),
        Field("phone", t("petition.f_phone")),
        Field("matter", t("petition.f_call_matter")),
        Field("category", t("petition.f_category")),
        Field("scope", t("petition.f_scope"), choices=scope),
    ]
    app.push_screen(FieldsModal(t("petition.call_title"), apply, fields,
                                note=t("petition.call_note")), closed)


def new_briefing(app: App) -> None:
    """The week's or the month's briefing: compiled in the worker, saved as text in the export
    folder, then shown."""
    made: list[tuple[str, str]] = []

    def apply(values: dict) -> None:
        actor = app.actor()
        brief, text = briefings.compile_briefing(actor, values)
        path = export_folder.save_text(actor.person.login, t(
            "petition.brief_export_name", period=t(f"petition.brief_{brief.period}"),
            start=f"{brief.starts_on:%Y%m%d}"), text)
        made.append((str(path), text, brief))

    def closed(ok: bool | None) -> None:
        if ok and made:
            path, text, brief = made[-1]
            app.notify(t("petition.brief_saved", path=path))
            app.push_screen(BriefingScreen(text, brief))

    app.push_screen(FieldsModal(
        t("petition.brief_form_title"), apply,
        [Field("period", t("petition.f_period"),
               choices=[(t("petition.brief_week"), briefings.WEEK),
                        (t("petition.brief_month"), briefings.MONTH)]),
         Field("day", t("petition.f_brief_day"), f"{app.actor().today:%Y-%m-%d}")],
        note=t("petition.brief_form_note")), closed)


class BriefingScreen(OffersExports, HasCommands, ModalScreen):
    """A briefing as compiled: its text, scrolling; Esc closes."""

    COMMAND_IDS = ("petition_briefing.close", "list.export")
    DEFAULT_CSS = """
    BriefingScreen { align: center middle; }
    BriefingScreen > Vertical { width: 90%; max-width: 110; height: 90%;
                                border: thick $primary; background: $surface; padding: 0 1; }
    BriefingScreen VerticalScroll { height: 1fr; }
    """

    def __init__(self, text: str, brief: briefings.Briefing | None = None) -> None:
        super().__init__()
        self.text = text
        self.brief = brief

    def export_offers(self) -> list:
        """e: the briefing as the 简报-layout .docx, or its text, for the same period."""
        if self.brief is None:
            return []
        b = self.brief
        return [exporting.file_offer(
            "petition_briefing", t("exporting.briefing_what", title=self.text.splitlines()[0]
                                   if self.text else ""),
            t("petition.brief_export_name", period=t(f"petition.brief_{b.period}"),
              start=f"{b.starts_on:%Y%m%d}").removesuffix(".txt"),
            office_files.Request(since=b.starts_on, until=b.ends_on))]

    def compose(self) -> ComposeResult:
        with Vertical(), VerticalScroll(id="brief-scroll"):
            yield Static(self.text, markup=False, id="brief-text")

    def action_close(self) -> None:
        self.dismiss()


class PetitionRegisterScreen(RecordRegisterScreen):
    HOWTO = "howto.petition_register"
    COMMAND_IDS = ("petition_register.back", "petition_register.new", "petition_register.call",
                   "petition_register.open", "petition_register.briefing", "list.export")
    KIND = EXPORT_KIND = petition.KIND
    TABLE_ID, TITLE_ID = "petition-register", "petition-title"
    COLUMNS = ("number", "channel", "title", "petitioner", "state", "due")
    COLUMN_LABEL = "petition.col_{key}"
    NARROW = (("number", 8),)
    SUB_TITLE, TITLE_KEY = "petition.register", "petition.register_title"

    def read_page(self, actor, page: Page, query) -> list:
        return views.register_page(actor, **page.keyset_args())

    def due_cell(self, row, today):
        """Late on a statutory clock shows late even where the district's answer has no date."""
        if row.due is None:
            return t("petition.overdue") if row.late else ""
        label = (inbox_service.OVERDUE if row.late or row.due < today
                 else inbox_service.TODAY if row.due == today else "")
        return badge.deadline(label, row.due)

    def cells(self, r, due) -> list:
        return [r.number, term(r.channel),
                (t("petition.repeat_mark") if r.repeat else "") + r.title,
                r.petitioner or t("petition.anonymous"), term(r.state), due]

    def new_record(self, done) -> None:
        new_petition(self.app, done)

    action_new_petition = RecordRegisterScreen.action_new_record  # petition_register.new

    def action_new_call(self) -> None:
        new_call(self.app, lambda _ok: self.refresh_data())

    def action_briefing(self) -> None:
        new_briefing(self.app)
