"""导入台账 (i on the 收文 register, on 督查室's 督查事项 and on the 建议提案 register): a file
path, the column mapping (shown, and changed with 列名=字段), the preview of bad rows and
duplicates, then 导入 or 取消. One screen for every kind of services/imports.

Reading and importing run in a worker with a progress bar (services/imports does the work);
nothing is written until 导入, and 取消 or Esc before it writes nothing. While the import's one
transaction runs the screen stays open: it ends whole or not at all.
"""

from __future__ import annotations

import shlex

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.screens.base import note_change
from govdesk.services import imports
from govdesk.services.errors import PermissionDenied, ServiceError
from govdesk.services.imports import sheet
from govdesk.services.session import in_worker

SHOWN_ROWS = 500  # the preview table shows this many refusals; the count says how many more


def offered(person, kind: str) -> bool:
    """Whether ``person`` may import ``kind`` (the key is shown only to them)."""
    try:
        imports.kind_of(kind).may_import(person)
    except PermissionDenied:
        return False
    return True


def open_import(screen, kind: str) -> None:
    """The import screen for ``kind`` over ``screen``, which loads again once rows came in."""

    def imported(n: int | None) -> None:
        if n:
            screen.refresh_data()

    screen.app.push_screen(ImportScreen(kind), imported)


class ImportScreen(HasCommands, ModalScreen[int | None]):
    """Dismissed with the number of 收文 imported, or None when nothing was."""

    COMMAND_IDS = ("import_sheet.read", "import_sheet.confirm", "import_sheet.cancel")
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    ImportScreen > Vertical { width: 110; max-width: 100%; height: 90%; border: thick $primary;
                              background: $surface; padding: 0 1; }
    ImportScreen Input { margin-bottom: 1; }
    ImportScreen #columns { height: auto; max-height: 4; color: $text-muted; }
    ImportScreen #problems { height: 1fr; }
    ImportScreen #summary { height: auto; text-style: bold; }
    ImportScreen #status { height: auto; color: $error; }
    ImportScreen .hint { color: $text-muted; height: auto; }
    """

    def __init__(self, kind: str = "incoming") -> None:
        super().__init__()
        self.kind = imports.kind_of(kind)
        self.plan: imports.Preview | None = None
        self.busy = ""  # "read" / "import" while a worker runs

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("imports.screen.title", name=self.kind.words[0]),
                        classes="panel-title")
            yield Label(t("imports.screen.path"))
            yield Input(placeholder=t("imports.screen.path_placeholder"), id="path",
                        compact=True)
            yield Label(t("imports.screen.mapping"))
            yield Input(id="mapping", compact=True)
            yield Static("", id="columns")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
            yield Label("", id="summary")
            yield ProgressBar(id="progress", show_eta=False)
            yield Label("", id="status")
            yield Label(t("imports.screen.hint"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        for key in ("row", "where", "why"):
            table.add_column(t(f"imports.screen.col_{key}"), key=key)
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#path", Input).focus()

    def available_commands(self) -> set[str]:
        ids = set(super().available_commands())
        if self.busy == "import":
            return set()  # one transaction under way: it ends whole, then the screen closes
        if self.busy or self.plan is None or not self.plan.good:
            ids.discard("import_sheet.confirm")
        return ids

    # ------------------------------------------------------------------ reading

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_read()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Another file or mapping typed: the preview shown is no longer what 导入 would
        write, so 导入 waits for the next read."""
        event.stop()
        if self.plan is not None and not self.busy:
            self.plan = None
            self.query_one("#summary", Label).update("")
            self._status(t("imports.screen.read_again"))
            self.refresh_bindings()

    def action_read(self) -> None:
        if self.busy == "import":
            return
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self._status(t("imports.screen.no_file"))
            return
        try:
            items = shlex.split(self.query_one("#mapping", Input).value)
        except ValueError:
            items = self.query_one("#mapping", Input).value.split()
        self.plan = None
        self._begin("read", t("imports.screen.reading"))
        self._read(path, items, self.app.actor())

    @work(thread=True, exclusive=True, group="import-read")
    def _read(self, path: str, items: list[str], actor) -> None:
        def preview():
            mapping = imports.parse_mapping(self.kind, items)
            data, suffix = sheet.read_file(path, self.kind.words[0])
            return imports.preview(actor, self.kind, data, suffix, mapping=mapping,
                                   progress=self._progress_from_thread)

        try:
            plan, error = in_worker(preview), None
        except ServiceError as exc:
            plan, error = None, exc
        self._back(self._read_done, plan, error)

    def _read_done(self, plan: imports.Preview | None, error: ServiceError | None) -> None:
        self._end()
        table = self.query_one("#problems", DataTable)
        table.clear()
        if error is not None:
            self.query_one("#columns", Static).update("")
            self.query_one("#summary", Label).update("")
            self._status(str(error))
            return
        assert plan is not None
        self.plan = plan
        # One run of text that wraps: at 80×24 the preview table keeps its room.
        self.query_one("#columns", Static).update(t("errors.sep").join(
            imports.column_line(plan, c) for c in plan.columns if c.header))
        lines = [(p.row, p.column and f"{p.column} {p.header}", f"{p.field}：{p.message}")
                 for p in plan.problems]
        lines += [(d.row, "", t("imports.screen.duplicate", why=d.why)) for d in plan.duplicates]
        lines.sort(key=lambda line: line[0])
        for n, (row, where, why) in enumerate(lines[:SHOWN_ROWS]):
            table.add_row(str(row), where, why, key=str(n))
        summary = plan.summary()
        if len(lines) > SHOWN_ROWS:
            summary += t("imports.screen.more", n=len(lines) - SHOWN_ROWS)
        self.query_one("#summary", Label).update(summary)
        self._status(t("imports.nothing_good") if not plan.good else "")
        self.refresh_bindings()

    # ------------------------------------------------------------------ importing

    def action_confirm(self) -> None:
        if self.busy or self.plan is None or not self.plan.good:
            return
        self._begin("import", t("imports.screen.importing"))
        self._import(self.plan, self.app.actor())

    @work(thread=True, exclusive=True, group="import-run")
    def _import(self, plan: imports.Preview, actor) -> None:
        try:
            result, error = in_worker(imports.run, actor, plan,
                                      self._progress_from_thread), None
        except ServiceError as exc:
            result, error = None, exc
        if result is not None:
            note_change(self)
        self._back(self._import_done, result, error)

    def _import_done(self, result: imports.Result | None, error: ServiceError | None) -> None:
        self._end()
        if error is not None:
            self._status(str(error))
            return
        assert result is not None
        self.app.notify(t("imports.screen.imported", summary=result.summary()))
        self.dismiss(len(result.imported))

    # ------------------------------------------------------------------ closing

    def action_cancel(self) -> None:
        """取消 / Esc: nothing has been written (an import under way cannot be left)."""
        if self.busy == "import":
            return
        self.workers.cancel_group(self, "import-read")
        self.dismiss(None)

    # ------------------------------------------------------------------ progress

    def _progress_from_thread(self, done: int, total: int) -> None:
        step = max(1, total // 100)
        if done == total or done % step == 0:
            self._back(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=done)

    def _back(self, call, *args) -> None:
        """``call(*args)`` on the UI thread, unless the screen was closed (取消 while reading)
        or the app has stopped meanwhile."""
        def shown() -> None:
            if self.is_attached:
                call(*args)

        try:
            self.app.call_from_thread(shown)
        except RuntimeError:
            pass

    def _begin(self, busy: str, status: str) -> None:
        self.busy = busy
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status(status)
        for widget in self.query(Input):
            widget.disabled = True
        self.refresh_bindings()

    def _end(self) -> None:
        self.busy = ""
        self.query_one("#progress", ProgressBar).display = False
        for widget in self.query(Input):
            widget.disabled = False
        self._status("")
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#status", Label).update(text)
