"""Acting on many items at once: the ``;`` menu over a list's tagged rows (widgets/tagging.py),
the small form each action needs, the result (what was done, what was refused and why), and
the 催办 modal that reaches every holder of a document at once (``u``).

A screen mixes in ``Triage`` and says which of its tables tag (``TAG_TABLES``: table id →
its title label's id, whose text gains "● 已标记 n"), what a tagged row stands for
(``tag_item``) and which actions fit each list (``bulk_actions``). The services run in a
worker (services/bulk.py: each item in its own transaction, through its own service); the
list loads again after.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label

from govdesk.commands import HasCommands
from govdesk.i18n import t, term
from govdesk.screens import registry
from govdesk.screens.base import SaveInWorker, run_service
from govdesk.screens.fields_modal import Field, FieldsModal
from govdesk.services import bulk
from govdesk.services.errors import ServiceError
from govdesk.services.rules import rule
from govdesk.widgets.checkbox import CHECKED, UNCHECKED
from govdesk.widgets.desk_table import columns
from govdesk.widgets.fields import FieldInput
from govdesk.widgets.picker import PEOPLE, Picker, replay_keys
from govdesk.widgets.tagging import ActOnTagged, TagsChanged

TAG_MARK_START = "  ●"  # where bulk.tagged's text starts in a title (both scripts)

# ---------------------------------------------------------------------------- the menu


class BulkMenu(HasCommands, ModalScreen[str | None]):
    """The actions that fit the list, one key each; dismisses with the action chosen."""

    COMMAND_IDS = tuple(f"bulk_menu.{a}" for a in bulk.ACTIONS) + ("bulk_menu.cancel",)
    DEFAULT_CSS = """
    BulkMenu { align: center middle; }
    BulkMenu > Vertical { width: 64; max-width: 100%; height: auto; border: thick $primary;
                          background: $surface; padding: 0 1; }
    BulkMenu .hint { color: $text-muted; }
    """

    def __init__(self, count: int, actions: tuple[str, ...],
                 items: list[bulk.Item] | None = None) -> None:
        super().__init__()
        self.count = count
        self.actions = actions
        self.items = items  # given: the actions none of them allows are taken away
        self.narrowed = items is None  # what is offered is known (tests wait on it)
        self.gone = False  # dismissed (an answer still on its way finds nothing to do)

    def compose(self) -> ComposeResult:
        from govdesk.commands import REGISTRY, bound_keys
        from govdesk.screens.help import key_label

        with Vertical():
            yield Label(t("bulk.menu_title", n=self.count), classes="panel-title")
            for action in self.actions:
                cmd = REGISTRY[f"bulk_menu.{action}"]
                keys = bound_keys(self, cmd.id) or cmd.keys
                yield Label(Text.assemble((f"{key_label(keys.split(',')[0])}  ", "bold"),
                                          f"{cmd.text}  ", (cmd.help_text, "dim")),
                            id=f"menu-{action}")
            yield Label(t("bulk.nothing_offered"), id="menu-none")
            yield Label(t("bulk.menu_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#menu-none", Label).display = False
        if self.items is not None:  # which of them any of the items allows: in a worker
            run_service(self, bulk.offered, self.app.actor(), self.items, self.actions,
                        done=self._offered, refused=lambda _exc: self._offered(self.actions),
                        writes=False)

    def _offered(self, actions: tuple[str, ...]) -> None:
        if not self.is_attached or self.gone:
            return  # chosen (or left) before the answer came: nothing to narrow
        for action in self.actions:
            self.query_one(f"#menu-{action}", Label).display = action in actions
        self.query_one("#menu-none", Label).display = not actions
        self.actions = tuple(actions)
        self.narrowed = True
        self.refresh_bindings()

    def available_commands(self) -> set[str]:
        return {f"bulk_menu.{a}" for a in self.actions} | {"bulk_menu.cancel"}

    def action_choose(self, action: str) -> None:
        self.gone = True
        self.dismiss(action)

    def action_cancel(self) -> None:
        self.gone = True
        self.dismiss(None)


# ---------------------------------------------------------------------------- the result


class BulkResultScreen(HasCommands, ModalScreen[None]):
    """How many were done; the refused, each with its label and the service's reason."""

    COMMAND_IDS = ("bulk_result.close",)
    DEFAULT_CSS = """
    BulkResultScreen { align: center middle; }
    BulkResultScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    BulkResultScreen #refused { height: auto; max-height: 20; }
    BulkResultScreen .hint { color: $text-muted; }
    """

    def __init__(self, action_label: str, result: bulk.BulkResult) -> None:
        super().__init__()
        self.action_label = action_label
        self.result = result

    def compose(self) -> ComposeResult:
        result = self.result
        with Vertical():
            yield Label(t("bulk.result_title", action=self.action_label, done=len(result.done),
                          refused=len(result.refused)), classes="panel-title", id="result-title")
            if result.refused:
                yield Label(t("bulk.result_refused"))
                yield columns(DataTable(id="refused"), ("bulk.col_item", 40),
                              ("bulk.col_reason", 50))
            else:
                yield Label(t("bulk.result_all_done"))
            yield Label(t("bulk.result_hint"), classes="hint")

    def on_mount(self) -> None:
        if self.result.refused:
            table = self.query_one("#refused", DataTable)
            for i, row in enumerate(self.result.refused):
                table.add_row(Text(row.label), Text(row.reason), key=str(i))
            table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------------------- 催办 every holder


class RemindHoldersModal(SaveInWorker, HasCommands, ModalScreen["bulk.BulkResult | None"]):
    """Everyone still holding a document, each ticked (☑) but the user's own; space ticks or
    unticks the row under the cursor, a note for all, Ctrl+S sends one 催办 per ticked holder
    (services.bulk.remind_holders). Keys typed before the list has come are kept and typed
    once it has (a burst: u, space, down, space …)."""

    SAVE_STATUS = "#error"
    COMMAND_IDS = ("remind_holders.toggle", "remind_holders.send", "remind_holders.cancel")
    DEFAULT_CSS = """
    RemindHoldersModal { align: center middle; }
    RemindHoldersModal > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%;
                                    border: thick $primary; background: $surface;
                                    padding: 0 1; }
    RemindHoldersModal #holders { height: auto; max-height: 16; }
    RemindHoldersModal #error { color: $error; text-style: bold; height: auto; }
    RemindHoldersModal .hint { color: $text-muted; height: auto; }
    """

    def __init__(self, kind: str, record_id: int, title: str) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id
        self.title_text = title
        self.rows: list[bulk.HolderRow] = []
        self.chosen: set[int] = set()
        self.loaded = False
        self.gone = False  # dismissed (the list still on its way finds nothing to do)
        self._held: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("bulk.holders_title", title=self.title_text), classes="panel-title")
            yield columns(DataTable(id="holders"), ("bulk.col_check", 2),
                          ("bulk.col_holder", 18), ("bulk.col_step", 10),
                          ("bulk.col_since", 6), ("bulk.col_held", 6),
                          ("bulk.col_overdue", 12))
            yield Label("", id="holders-count")
            yield Label(t("bulk.remind_note"))
            yield FieldInput("", id="note", compact=True)
            yield Label("", id="error")
            yield Label(t("bulk.holders_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#holders", DataTable).focus()
        app = self.app
        run_service(self, bulk.holders, app.actor(), self.kind, self.record_id,
                    done=self._loaded, refused=self._load_refused, writes=False)

    def on_key(self, event) -> None:
        if not self.loaded and event.key not in ("escape",):
            event.stop()
            event.prevent_default()
            self._held.append((event.key, event.character))

    def _load_refused(self, error: ServiceError) -> None:
        if self.is_attached and not self.gone:
            self.app.notify(str(error), severity="error")
            self.dismiss(None)

    def _loaded(self, rows: list[bulk.HolderRow]) -> None:
        if not self.is_attached or self.gone:
            return  # left with Esc before the list came
        if not rows:
            self.app.notify(t("bulk.no_holders"), severity="warning")
            self.dismiss(None)
            return
        self.rows = rows
        self.chosen = {r.task_id for r in rows if not r.mine}
        self._fill()
        self.loaded = True
        held, self._held = self._held, []
        if held:
            replay_keys(self.app, held)

    def _fill(self) -> None:
        table = self.query_one("#holders", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self.rows:
            mark = CHECKED if r.task_id in self.chosen else UNCHECKED
            name = r.name + (t("bulk.mine") if r.mine else "")
            overdue = (Text(t("bulk.overdue_days", n=r.overdue_days), style="bold red")
                       if r.overdue_days else Text(""))
            table.add_row(mark, name, term(r.step), f"{r.since:%m-%d}",
                          t("bulk.held_days", n=r.held_days), overdue, key=str(r.task_id))
        table.move_cursor(row=min(keep, len(self.rows) - 1))
        self.query_one("#holders-count", Label).update(
            t("bulk.holders_count", n=len(self.chosen), total=len(self.rows)))

    def action_toggle(self) -> None:
        table = self.query_one("#holders", DataTable)
        if not self.rows or self.focused is not table:
            return
        task_id = self.rows[table.cursor_row].task_id
        self.chosen ^= {task_id}
        self._fill()
        table.action_cursor_down()

    def action_send(self) -> None:
        if not self.loaded:
            return
        chosen = [r.task_id for r in self.rows if r.task_id in self.chosen]
        note = self.query_one("#note", Input).value
        self.save_in_worker(bulk.remind_holders, self.app.actor(), self.kind, chosen, note,
                            done=self.dismiss,
                            refused=lambda exc: self.query_one("#error", Label).update(
                                Text(str(exc))))

    def action_cancel(self) -> None:
        if not self.saving:
            self.gone = True
            self.dismiss(None)


def remind_holders(node: Any, kind: str, record_id: int, title: str,
                   then: Any = None) -> None:
    """``u``: the 催办 modal over ``node``'s screen; afterwards the count reminded (and the
    refused, if any, with their reasons), then ``then()`` (the list loads again). A 督查事项's
    催办 is its 催办单 (SPEC §10), whichever list it was pressed on."""
    app = node.app
    own = registry.reminder_of(kind)  # a 督查事项's: its numbered 催办单
    if own is not None:
        own(node, record_id, title, then)
        return

    def sent(result: bulk.BulkResult | None) -> None:
        if result is None:
            return
        app.notify(t("bulk.reminded", n=len(result.done)))
        if result.refused:
            app.push_screen(BulkResultScreen(t("bulk.act_remind"), result))
        if then is not None:
            then()

    app.push_screen(RemindHoldersModal(kind, record_id, title), sent)


# ---------------------------------------------------------------------------- the screen's part


class Triage:
    """Mixed into a desk screen (before its base): tagging on the tables of ``TAG_TABLES``
    and ``;`` over them (module docstring)."""

    TAG_TABLES: ClassVar[dict[str, str]] = {}  # table id → its title label's id

    def tag_item(self, table_id: str, key: str) -> bulk.Item | None:
        """What the row ``key`` of table ``table_id`` stands for (None: it cannot be tagged)."""
        return None

    def bulk_actions(self, table_id: str) -> tuple[str, ...]:
        """The actions the ``;`` menu offers for this list."""
        return bulk.ACTIONS

    # ---- the count in the titles

    def show_tag_counts(self) -> None:
        screen: Any = self
        for table_id, label_id in self.TAG_TABLES.items():
            tables = screen.query(f"#{table_id}")
            labels = screen.query(f"#{label_id}").results(Label)
            label = next(iter(labels), None)
            if not tables or label is None:
                continue
            base = str(label.render()).split(TAG_MARK_START)[0]
            n = len(tables.first().tags)
            label.update(base + (t("bulk.tagged", n=n) if n else ""))

    def _deliver(self, generation: int, data: Any, error: Any, passed: Any = None) -> None:
        # After every show_data (which writes the titles afresh): the tag counts again.
        super()._deliver(generation, data, error, passed)  # type: ignore[misc]
        screen: Any = self
        if screen.is_attached:
            self.show_tag_counts()

    def on_tags_changed(self, message: TagsChanged) -> None:
        message.stop()
        self.show_tag_counts()

    # ---- ; over the tagged

    def on_act_on_tagged(self, message: ActOnTagged) -> None:
        message.stop()
        screen: Any = self
        table = message.table
        items = list(table.tags.values())
        if not items:
            screen.notify(t("bulk.none_tagged"), severity="warning")
            return
        actions = self.bulk_actions(table.id or "")

        def chosen(action: str | None) -> None:
            if action is not None:
                self._bulk_form(table, action, items)

        screen.app.push_screen(BulkMenu(len(items), actions, items), chosen)

    def _bulk_form(self, table: Any, action: str, items: list[bulk.Item]) -> None:
        screen: Any = self
        app = screen.app
        actor = screen.actor
        name = t(f"bulk.act_{action}")
        title = t("bulk.form_title", action=name, n=len(items))

        def show(result: bulk.BulkResult) -> None:
            done = {(o.kind, o.key) for o in result.done}
            table.untag([key for key, item in table.tags.items()
                         if (item.kind, item.record_id) in done])
            app.push_screen(BulkResultScreen(name, result))
            screen.refresh_data()

        if action == bulk.CIRCULATE:
            def picked(people: list | None) -> None:
                if people:
                    run_service(screen, partial(bulk.run, people=people), actor, action,
                                items, done=show, refused=lambda exc: app.notify(str(exc),
                                                                          severity="error"))
            app.push_screen(Picker(PEOPLE, multi=True, with_sections=True,
                                   title=t("bulk.circulate_picker")), picked)
            return
        if action == bulk.ARCHIVE:
            choices = list(rule("incoming", "retention"))
            fields = [Field("retention", t("bulk.retention"), choices[-1],
                            [(term(c), c) for c in choices])]
        else:
            label = {bulk.REMIND: "bulk.remind_note", bulk.SIGN: "bulk.sign_opinion",
                     bulk.CLOSE: "bulk.close_note", bulk.URGE: "bulk.urge_note"}[action]
            fields = [Field("note", t(label))]
        box: list[bulk.BulkResult] = []

        def apply(values: dict) -> None:  # in the form's worker
            box.append(bulk.run(actor, action, items, note=values.get("note", ""),
                                retention=str(values.get("retention", ""))))

        def closed(ok: bool | None) -> None:
            if ok and box:
                show(box[0])

        app.push_screen(FieldsModal(title, apply, fields), closed)


__all__ = ["BulkMenu", "BulkResultScreen", "RemindHoldersModal", "Triage", "remind_holders"]
