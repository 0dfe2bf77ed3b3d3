"""A keyboard-only picker of people, units or sections (SPEC §1: pinyin initials match too).

Type to filter (``zsq`` or ``zhang`` finds 张三强), Up/Down to move, Enter to choose. In
multi mode Enter ticks or unticks the highlighted entry and Ctrl+S hands back everything
ticked; a section's entry ticks all its people at once (传阅 to a whole section).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from govdesk.commands import HasCommands
from govdesk.i18n import t
from govdesk.models import Person, Section
from govdesk.services import org, section_work
from govdesk.services.pinyin import matches, pinyin_keys

PEOPLE, UNITS, SECTIONS = "people", "units", "sections"


def _sections(query: str) -> list[Section]:
    rows = list(Section.select().order_by(Section.order))
    out = []
    for s in rows:
        full, initials = pinyin_keys(s.name)
        if matches(query, s.name, full, initials):
            out.append(s)
    return out


class Picker(HasCommands, ModalScreen[list | None]):
    """Dismisses with a list of the chosen Person/Unit/Section objects, or None on Esc."""

    COMMAND_IDS = ("picker.cancel", "picker.done")
    # Moving the highlight while the filter has the focus: keys, not commands.
    BINDINGS = [Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical { width: 70; max-width: 95%; height: 22; max-height: 95%;
                        border: thick $primary; background: $surface; padding: 0 1; }
    Picker OptionList { height: 1fr; }
    Picker #picker-chosen { height: auto; max-height: 3; color: $text-muted; }
    """

    def __init__(self, kind: str, *, multi: bool = False, title: str = "",
                 with_sections: bool = False, query: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.multi = multi
        self.title_text = title or t(f"incoming.picker_{kind}")
        self.with_sections = with_sections and kind == PEOPLE
        self.initial_query = query
        self.chosen: dict[str, Any] = {}
        self._shown: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title")
            yield Input(self.initial_query, placeholder=t("incoming.picker_placeholder"),
                        id="picker-input", compact=True)
            yield OptionList(id="picker-options")
            yield Label("", id="picker-chosen")
            hint = "incoming.picker_hint_multi" if self.multi else "incoming.picker_hint"
            yield Label(t(hint), classes="hint")

    def on_mount(self) -> None:
        self._fill(self.initial_query)
        self.query_one("#picker-input", Input).focus()

    def _candidates(self, query: str) -> list[tuple[str, str, Any]]:
        out: list[tuple[str, str, Any]] = []
        if self.kind == SECTIONS or self.with_sections:
            for s in _sections(query):
                members = section_work.members((s.code,))
                label = t("incoming.picker_section_entry", name=s.name, n=len(members))
                out.append((f"s{s.id}", label, s if self.kind == SECTIONS else members))
        if self.kind == PEOPLE:
            for p in org.pick_people(query, limit=50):
                out.append((f"p{p.id}", f"{p.name}  {p.section.name} {p.post}", p))
        elif self.kind == UNITS:
            for u in org.pick_units(query, limit=50):
                out.append((f"u{u.id}", f"{u.short}  {u.name}", u))
        return out

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        self._shown = {}
        for key, label, value in self._candidates(query):
            self._shown[key] = value
            mark = "[x] " if key in self.chosen else ("[ ] " if self.multi else "")
            options.add_option(Option(mark + label, id=key))
        if self._shown:
            options.highlighted = 0
        self._show_chosen()

    def _show_chosen(self) -> None:
        if not self.multi:
            return
        names = [p.name if isinstance(p, Person) else p.name for p in self._chosen_values()]
        self.query_one("#picker-chosen", Label).update(
            t("incoming.picker_chosen", n=len(names), names=t("incoming.sep").join(names[:30])))

    def _chosen_values(self) -> list[Any]:
        out: list[Any] = []
        seen: set[int] = set()
        for value in self.chosen.values():
            for item in value if isinstance(value, list) else [value]:
                if item.id not in seen:
                    seen.add(item.id)
                    out.append(item)
        return out

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose()

    def action_move(self, delta: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if not options.option_count:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def _choose(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None or not options.option_count:
            return
        key = options.get_option_at_index(options.highlighted).id
        value = self._shown[key]
        if not self.multi:
            self.dismiss(value if isinstance(value, list) else [value])
            return
        if key in self.chosen:
            del self.chosen[key]
        else:
            self.chosen[key] = value
        keep = options.highlighted
        self._fill(self.query_one("#picker-input", Input).value)
        options.highlighted = min(keep, options.option_count - 1)

    def action_done(self) -> None:
        if self.multi:
            self.dismiss(self._chosen_values())
        else:
            self._choose()

    def action_cancel(self) -> None:
        self.dismiss(None)
