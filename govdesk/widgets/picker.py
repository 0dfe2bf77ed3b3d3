"""A keyboard-only picker of people, units or sections (SPEC §1: pinyin initials match too).

Type to filter (``zsq`` or ``zhang`` finds 张三强), Up/Down to move, Enter to choose. In
multi mode Enter ticks or unticks the highlighted entry and Ctrl+S hands back everything
ticked; a section's entry ticks all its people at once (传阅 to a whole section).

Plain data only: the search (``search``: org.pick_people / pick_units / pick_sections) runs
in a thread worker, exclusive, the newest text winning; the picker shows and hands back
org.PersonChoice / UnitChoice / SectionChoice, which the services take back by id.

A fast typist loses nothing. The keys that open a picker are priority bindings
(commands.py), so what is typed after them reaches the picker, even before its search box
has the focus (``on_key``); Enter, Up/Down and Ctrl+S wait for the answer to the text as
typed (``_when_shown``); and what is typed after an Enter that chooses is held and typed into
the screen below once the picker has gone (``replay_keys``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from govdesk.commands import HasCommands
from govdesk.i18n import t, term
from govdesk.services import org
from govdesk.services.errors import ServiceError
from govdesk.services.session import in_worker

PEOPLE, UNITS, SECTIONS = "people", "units", "sections"
SEARCH_GROUP = "picker-search"
LIMIT = 50


def search(kind: str, query: str, with_sections: bool) -> list[tuple[str, Any]]:
    """Worker thread: the entries ``query`` matches, as (key, plain choice) pairs; a section's
    entry in the people picker carries the section with its members (ticked all at once)."""
    out: list[tuple[str, Any]] = []
    if kind == SECTIONS or (with_sections and kind == PEOPLE):
        out += [(f"s{s.id}", s) for s in org.pick_sections(query, with_members=True)]
    if kind == PEOPLE:
        out += [(f"p{p.id}", p) for p in org.pick_people(query, limit=LIMIT)]
    elif kind == UNITS:
        out += [(f"u{u.id}", u) for u in org.pick_units(query, limit=LIMIT)]
    return out


class SearchInput(Input):
    """The picker's search box; it marks the keys it has seen, so the picker can tell them
    from keys that reached the picker before the box had the focus."""

    def on_key(self, event) -> None:
        event.picker_seen = True  # Input's own handler runs after this one
        screen = self.screen
        if not isinstance(screen, Picker):
            return
        if screen.hold_key(event):
            event.prevent_default()  # not into the search: it is for the screen below
        elif event.key == "enter" and not screen.multi:
            # This Enter chooses; the keys queued behind it here are for the form. (The
            # picker hears of the Enter later, when the box's Submitted message comes round.)
            screen.closing = True


class Picker(HasCommands, ModalScreen[list | None]):
    """Dismisses with a list of the chosen entries — org.PersonChoice, UnitChoice or
    SectionChoice, plain data — or None on Esc.

    The search runs in a worker thread (exclusive: the newest text wins, an older answer is
    dropped). Enter, Up/Down and Ctrl+S pressed while an answer is on its way wait for it and
    then act on the list for the text as typed, so a fast typist's burst chooses what they see.
    """

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
        self._generation = 0  # the newest search asked for
        self.shown_generation = 0  # the newest search shown (tests wait on it)
        self.shown_query: str | None = None  # the text the list shows the answer for
        self._waiting: list[Any] = []  # keys pressed while an answer was on its way
        self.closing = False  # an Enter waits to choose: what is typed next is held
        self._asked_query: str | None = None
        self._mounted = False
        self.gone = False  # dismissed (it may stay on the screen a moment longer)
        self._early: list = []  # keys that reached the picker before it was mounted
        self._held: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="panel-title")
            yield SearchInput(self.initial_query, placeholder=t("incoming.picker_placeholder"),
                        id="picker-input", compact=True)
            yield OptionList(id="picker-options")
            yield Label("", id="picker-chosen")
            hint = "incoming.picker_hint_multi" if self.multi else "incoming.picker_hint"
            yield Label(t(hint), classes="hint")

    def on_mount(self) -> None:
        box = self.query_one("#picker-input", Input)
        box.focus()
        box.cursor_position = len(box.value)
        self._mounted = True
        early, self._early = self._early, []
        searched = False
        for event in early:  # keys that came before the picker was on the screen
            if event.key == "enter" and not searched:
                self._search(box.value)
                searched = True
            if not self.hold_key(event):
                self._early_key(event, box)
        if not searched and self._asked_query != box.value:
            self._search(box.value)
        self._show_chosen()

    # ------------------------------------------------------------------ searching

    @property
    def searching(self) -> bool:
        """An answer is on its way for text newer than what the list shows."""
        return not self._mounted or self.shown_generation != self._generation

    def _search(self, query: str) -> None:
        self._asked_query = query
        self._generation += 1
        work = partial(self._search_in_thread, self._generation, query)
        self.run_worker(work, name="Picker.search", group=SEARCH_GROUP, exclusive=True,
                        thread=True)

    def _search_in_thread(self, generation: int, query: str) -> None:
        try:
            items, error = in_worker(search, self.kind, query, self.with_sections), None
        except ServiceError as exc:
            items, error = [], exc
        if get_current_worker().is_cancelled:  # newer text is being searched
            return
        try:
            self.app.call_from_thread(self._deliver, generation, query, items, error)
        except RuntimeError:  # the app stopped meanwhile
            pass

    def _deliver(self, generation: int, query: str, items: list[tuple[str, Any]],
                 error: ServiceError | None) -> None:
        if generation != self._generation or not self.is_attached:
            return  # an older answer, or the picker has gone
        self.shown_generation = generation
        self.shown_query = query
        if error is not None:
            self.notify(str(error), severity="error")
        self._shown = dict(items)
        self._fill()
        waiting, self._waiting = self._waiting, []
        for step in waiting:
            if not self.is_attached:
                break
            step()

    def _when_shown(self, step) -> None:
        """Run ``step`` now, or once the list shows the answer for the text as typed."""
        if self.searching:
            self._waiting.append(step)
        else:
            step()

    # ------------------------------------------------------------------ showing

    def _label(self, value: Any) -> str:
        if isinstance(value, org.SectionChoice):
            return t("incoming.picker_section_entry", name=term(value.name),
                     n=len(value.members))
        if isinstance(value, org.PersonChoice):
            return f"{value.name}  {term(value.section_name)} {term(value.post)}"
        return f"{term(value.short)}  {term(value.name)}"

    def _fill(self, keep: int = 0) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        for key, value in self._shown.items():
            mark = "[x] " if key in self.chosen else ("[ ] " if self.multi else "")
            options.add_option(Option(mark + self._label(value), id=key))
        if self._shown:
            options.highlighted = min(keep, options.option_count - 1)
        self._show_chosen()

    def _show_chosen(self) -> None:
        if not self.multi:
            return
        names = [value.name for value in self._chosen_values()]
        self.query_one("#picker-chosen", Label).update(
            t("incoming.picker_chosen", n=len(names), names=t("incoming.sep").join(names[:30])))

    def _expand(self, value: Any) -> list[Any]:
        """What choosing an entry hands back: a section's people in the people picker."""
        if isinstance(value, org.SectionChoice) and self.kind == PEOPLE:
            return list(value.members)
        return [value]

    def _chosen_values(self) -> list[Any]:
        out: list[Any] = []
        seen: set[tuple[type, int]] = set()
        for value in self.chosen.values():
            for item in self._expand(value):
                if (type(item), item.id) not in seen:
                    seen.add((type(item), item.id))
                    out.append(item)
        return out

    # ------------------------------------------------------------------ keys

    def hold_key(self, event) -> bool:
        """After an Enter that chooses (in the single picker) and waits for the search, what
        is typed next is meant for the form: held, and typed there once the picker closes."""
        if not self.closing:
            return False
        event.stop()
        self._held.append((event.key, event.character))
        return True

    def on_key(self, event) -> None:
        """Keys typed right after the key that opened the picker (a priority binding) reach
        the picker before its search box has the focus: they belong in the search."""
        if getattr(event, "picker_seen", False) or self.hold_key(event):
            return
        box = next(self.query("#picker-input").results(Input), None)
        if box is None or not self._mounted:  # not on the screen yet: typed once it is
            if event.key == "enter" or event.key == "backspace" or event.is_printable:
                event.stop()
                self._early.append(event)
            return
        self._early_key(event, box)

    def _early_key(self, event, box: Input) -> None:
        if event.key == "enter":
            event.stop()
            self._enter()
        elif event.key == "backspace":
            event.stop()
            self._type(box.value[:-1])
        elif event.is_printable and event.character:
            event.stop()
            self._type(box.value + event.character)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._mounted and event.value != self._asked_query:
            self._search(event.value)

    def _type(self, value: str) -> None:
        """Put ``value`` in the search box and search for it at once (not when the box's
        Changed message comes round), so a following Enter waits for this answer."""
        box = self.query_one("#picker-input", Input)
        box.value = value
        box.cursor_position = len(value)
        if self._mounted:
            self._search(value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._enter()

    def _enter(self) -> None:
        if self.searching and not self.multi:
            self.closing = True  # the keys after this Enter wait for the form
        self._when_shown(self._choose)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._when_shown(self._choose)

    def action_move(self, delta: int) -> None:
        self._when_shown(partial(self._move, delta))

    def _move(self, delta: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if not options.option_count:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def _choose(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is None or not options.option_count:
            self._release_held()
            return
        key = options.get_option_at_index(options.highlighted).id
        value = self._shown[key]
        if not self.multi:
            self._dismiss_and_replay(self._expand(value))
            return
        if key in self.chosen:
            del self.chosen[key]
        else:
            self.chosen[key] = value
        self._fill(keep=options.highlighted)

    def action_done(self) -> None:
        self._when_shown(self._done)

    def _done(self) -> None:
        if self.multi:
            self.dismiss(self._chosen_values())
        else:
            self._choose()

    def action_cancel(self) -> None:
        self._waiting = []
        self._dismiss_and_replay(None)

    def _release_held(self) -> None:
        """Nothing to choose after all: what was held goes on into the search."""
        held, self._held, self.closing = self._held, [], False
        box = self.query_one("#picker-input", Input)
        text = "".join(c for _, c in held if c and c.isprintable())
        if text:
            self._type(box.value + text)

    def _dismiss_and_replay(self, result: list | None) -> None:
        """Close, then type what was held (``hold_key``) into whatever has the focus then."""
        # Keys still on their way here are held too (``closing`` stays set); all of them are
        # typed into the screen below once this picker has left (on_unmount).
        self.closing = True
        self.gone = True
        leaving(self.app).add(self)
        self.dismiss(result)

    def on_unmount(self) -> None:
        app = self.app
        leaving(app).discard(self)
        held, self._held = self._held, []
        if held or app.__dict__.get("_picker_replay"):
            replay_keys(app, held)


def leaving(app) -> set:
    """The pickers dismissed but not yet off the screen."""
    return app.__dict__.setdefault("_pickers_leaving", set())


def replay_keys(app, keys: list[tuple[str, str | None]]) -> None:
    """Type ``keys`` into the app one per refresh (a key may open the next picker, which must
    be on the screen before the keys meant for it). One queue per app: keys a picker held
    while an earlier replay ran were typed before that replay's remaining keys, so they go
    first."""
    queue: list = app.__dict__.setdefault("_picker_replay", [])
    queue[:0] = keys
    if app.__dict__.get("_picker_replaying"):
        return
    app.__dict__["_picker_replaying"] = True

    def step() -> None:
        if not queue:
            app.__dict__["_picker_replaying"] = False
            return
        if leaving(app):  # a picker still leaving holds keys that come first
            app.__dict__["_picker_replaying"] = False  # its on_unmount starts again
            return
        key, character = queue.pop(0)
        app.post_message(events.Key(key, character))
        app.call_after_refresh(step)

    app.call_after_refresh(step)
