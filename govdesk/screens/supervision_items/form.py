"""登记督查事项: the kind first, then the form of that kind (SPEC §10): a 重点工作 names the
常务会议 that approved it, a 领导批示件 who instructed, the 批示, its date and urgency. Each
form fits an 80×24 terminal; a refusal names the field and keeps what was typed; a saved item
opens."""

from __future__ import annotations

from textual.app import App

from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import supervision
from govdesk.services.supervision import workflow as kinds
from govdesk.services.supervision.workflow import URGENCIES


class ItemFormModal(FieldsModal):
    DEFAULT_CSS = """
    ItemFormModal Input, ItemFormModal Select { margin-bottom: 0; }
    """


def _fields(kind: str) -> list[Field]:
    def f(name: str, value: str = "") -> Field:
        return Field(name, t(f"supervision.f_{name}"), value)

    urgency = Field("urgency", t("supervision.f_urgency"), "普通",
                    choices=[(term(u), u) for u in URGENCIES])
    out = [f("title"), f("lead_unit"), f("co_units"), f("responsible")]
    if kind == kinds.INSTRUCTION:
        return [*out, f("instructed_by"), f("instruction"), f("instructed_on"), urgency]
    out += [f("liaison"), f("target")]
    if kind == kinds.KEY_WORK:
        out.append(f("meeting_on"))
    if kind == kinds.ASSIGNMENT:
        out.append(urgency)
    return out


def new_item(app: App, done=None) -> None:
    """Ask the kind, then open its form."""
    chosen: list[str] = []

    def pick(values: dict) -> None:  # nothing to save: the kind decides the next form
        chosen.append(values["kind"])

    def closed(ok: bool | None) -> None:
        if ok and chosen:
            _item_form(app, chosen[-1], done)

    app.push_screen(ItemFormModal(
        t("supervision.new_kind_title"), pick,
        [Field("kind", t("supervision.f_kind"), kinds.KEY_WORK,
               choices=[(term(k), k) for k in kinds.KINDS])]), closed)


def _item_form(app: App, kind: str, done) -> None:
    saved: list[int] = []

    def apply(values: dict) -> None:  # in a worker
        row = supervision.register(app.actor(), {**values, "kind": kind})
        saved.append(row.id)

    def closed(ok: bool | None) -> None:
        if ok and saved:
            app.notify(t("supervision.saved"))
            registry.open_record(app, supervision.KIND, saved[-1])
        if done is not None:
            done(bool(ok))

    app.push_screen(ItemFormModal(t("supervision.new_title", kind=term(kind)), apply,
                                  _fields(kind), note=t("supervision.new_note"),
                                  draft=("supervision", None)), closed)
