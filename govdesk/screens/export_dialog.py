"""The export dialog (``e`` on a list, ``E`` on a record): what to export when there is more
than one thing here, its format, the folder and the file's name; Ctrl+S writes it in a worker,
the rows written shown as they go, and the screen stays live meanwhile.

The offers are the screen's (``DeskScreen.export_offers``): plain data made from what it shows,
so a register is exported with the filter on screen. On the shared server the folder is the
person's spool (services/export_folder.py) and the dialog says how to fetch the file.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.screens.base import SaveInWorker
from govdesk.services import export_folder, exporting
from govdesk.services.exporting import Offer, Written
from govdesk.widgets.fields import FieldInput


class ExportModal(SaveInWorker, HasCommands, ModalScreen[bool]):
    SAVE_STATUS = "#export-status"
    COMMAND_IDS = ("export.submit", "export.cancel")
    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; padding: 0 1; }
    ExportModal .note { color: $warning; height: auto; width: 100%; }
    ExportModal #export-error { color: $error; text-style: bold; height: auto; width: 100%; }
    ExportModal #export-status { height: auto; width: 100%; }
    ExportModal .hint { color: $text-muted; height: auto; width: 100%; }
    ExportModal Input, ExportModal Select { margin-bottom: 1; }
    """

    def __init__(self, offers: list[Offer], login: str) -> None:
        super().__init__()
        self.offers = offers
        self.login = login

    def compose(self) -> ComposeResult:
        server = export_folder.on_server()
        first = self.offers[0]
        with Vertical():
            yield Label(t("export_folder.title"), classes="panel-title")
            if len(self.offers) > 1:
                yield Label(t("export_folder.f_what"))
                yield Select([(o.what, n) for n, o in enumerate(self.offers)], value=0,
                             allow_blank=False, id="export-what", compact=True)
            else:
                yield Label(Text(first.what), id="export-what-one")
            yield Label(t("export_folder.f_format"))
            yield Select(self._formats(first), value=first.formats[0], allow_blank=False,
                         id="export-format", compact=True)
            if server:
                yield Label(Text(t("export_folder.server_note")), classes="note")
            else:
                yield Label(t("export_folder.f_folder"))
                yield FieldInput(str(export_folder.default_folder(self.login)),
                                 id="export-folder", compact=True)
            if len(self.offers) == 1:  # what the one file asks of the user (a 公文's 份号, 附注)
                for key in first.asks:
                    yield Label(t(f"office_files.f_{key}"))
                    yield FieldInput("", id=f"export-{key}", compact=True)
            yield Label(t("export_folder.f_name"))
            yield FieldInput(first.stem, id="export-name", compact=True)
            yield Label("", id="export-error")
            yield Label("", id="export-status")
            yield Label(t("export_folder.hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#export-name", Input).focus()

    @staticmethod
    def _formats(offer: Offer) -> list[tuple[str, str]]:
        return [(t(f"export_folder.format{f.replace('.', '_')}"), f) for f in offer.formats]

    @property
    def offer(self) -> Offer:
        found = self.query("#export-what")
        if not found:
            return self.offers[0]
        value = found.first(Select).value
        return self.offers[value if isinstance(value, int) else 0]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "export-what":
            return
        event.stop()
        offer = self.offer
        fmt = self.query_one("#export-format", Select)
        fmt.set_options(self._formats(offer))
        fmt.value = offer.formats[0]
        self.query_one("#export-name", Input).value = offer.stem

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "export-name":
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        offer = self.offer
        fmt_value = self.query_one("#export-format", Select).value
        fmt = fmt_value if isinstance(fmt_value, str) else offer.formats[0]
        folders = self.query("#export-folder")
        folder = folders.first(Input).value if folders else None
        name = self.query_one("#export-name", Input).value
        answers = {key: self.query_one(f"#export-{key}", Input).value
                   for key in offer.asks if self.query(f"#export-{key}")}
        actor = self.app.actor()
        status = self.query_one("#export-status", Label)

        def progress(rows: int) -> None:  # in the worker
            try:
                self.app.call_from_thread(status.update, Text(
                    t("export_folder.written_rows", n=f"{rows:,}"), style="bold yellow"))
            except RuntimeError:
                pass

        self.query_one("#export-error", Label).update("")
        self.save_in_worker(exporting.write, actor, offer, fmt, folder, name, progress, answers,
                            done=self._written, refused=self._refused)

    def _written(self, made: Written) -> None:
        if made.spooled:
            self.app.notify(t("export_folder.done_server", what=made.what, name=made.path.name),
                            timeout=20)
        else:
            self.app.notify(t("export_folder.done", what=made.what, path=str(made.path)),
                            timeout=10)
        self.dismiss(True)

    def _refused(self, exc) -> None:
        self.query_one("#export-error", Label).update(Text(str(exc)))
        target = {"folder": "#export-folder", "name": "#export-name",
                  "format": "#export-format", "copy_no": "#export-copy_no",
                  "note": "#export-note"}.get(getattr(exc, "name", "") or "")
        if target and self.query(target):
            self.query_one(target).focus()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(False)
