"""Every user command, defined once: its id, default keys, label, help line and action.

One ``Command`` gives a screen its binding (and so its footer entry), its F1 line and its
palette entry (issue #3, STYLE.md "a command is defined once"). The UI layer only: services
never import this module.

How a screen uses it::

    class IncomingDetailScreen(HasCommands, FlowDetailScreen):
        COMMAND_IDS = ("incoming.back", "incoming.intake", "incoming.sign", ...)

        def available_commands(self) -> set[str]:
            ...  # the ids the user may use now; default: all of the screen's

``HasCommands`` turns ``COMMAND_IDS`` into the class's ``BINDINGS`` (ids on every binding, so
``[keys]`` in the config file can remap them through ``App.set_keymap``) and answers
``check_action`` from ``available_commands()``, so the keys, the footer, F1 (``offered``) and
the palette (``offered(past_modal=True)``) agree. Labels are catalog keys, read when shown:
``relabel`` rewrites the bindings' words after a language change without a restart.

A new workflow's detail screen (say 请假) adds its commands the same way:

    command("leave.approve", "a", "leave.act_approve", "approve")   # here, or in its module
    command("leave.back", "escape", "leave.back", "back")

    class LeaveDetailScreen(FlowDetailScreen):
        KIND = "leave"
        COMMAND_IDS = ("leave.back", "leave.approve")
        ACTION_NAMES = {"grant": "approve"}   # engine action id → screen action, if they differ

        def action_approve(self) -> None: ...

FlowDetailScreen.available_commands maps the engine's ``available_actions`` for the record to
the screen's command ids, adds 交还 and going back: nothing else decides which keys are live.
README "Keys" lists every id (a test checks it).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from textual.actions import parse
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys

from govdesk.i18n import t


@dataclass(frozen=True)
class Command:
    """One thing a user can do, wherever it is offered."""

    id: str  # stable, used in the config file's [keys] table: "incoming.sign"
    keys: str  # default keys in Textual's form ("ctrl+s", "f1,question_mark"); "" = palette only
    label: str  # catalog key of the short label (footer, F1, palette)
    action: str  # the action run on the node that declares the command: "sign", "switch_mode('home')"
    help: str = ""  # catalog key of a longer help line (F1 and palette); defaults to the label
    show: bool = True  # named in the footer
    priority: bool = False
    palette: bool = True  # offered in the command palette
    palette_label: str = ""  # catalog key of the palette wording, formatted with name=label

    @property
    def text(self) -> str:
        """The label in the current language."""
        return t(self.label)

    @property
    def help_text(self) -> str:
        return t(self.help) if self.help else self.text

    @property
    def palette_text(self) -> str:
        return t(self.palette_label, name=self.text) if self.palette_label else self.text

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.text, show=self.show, priority=self.priority,
                       id=self.id, tooltip=self.help_text)


REGISTRY: dict[str, Command] = {}


def command(id: str, keys: str, label: str, action: str | None = None, **options: Any) -> Command:
    """Define a command (once: a second definition of an id is a programming error)."""
    if id in REGISTRY:
        raise ValueError(f"command {id!r} is defined twice")
    cmd = Command(id, keys, label, action or id.rsplit(".", 1)[-1], **options)
    REGISTRY[id] = cmd
    return cmd


def bindings(ids: Iterable[str]) -> list[Binding]:
    """The bindings of the commands that have keys."""
    return [REGISTRY[i].binding() for i in ids if REGISTRY[i].keys]


# ---------------------------------------------------------------- the commands, by screen
# Keys 1–6, in this order (issue #2 / DESIGN "Sections as modes"): (mode, catalog key of its name)
SECTION_MODES = [
    ("mishu", "app.mode_mishu"),
    ("diaoyan", "app.mode_diaoyan"),
    ("line", "app.line"),
    ("xinxi", "app.mode_xinxi"),
    ("ducha", "app.mode_ducha"),
    ("jiedai", "app.mode_jiedai"),
]

# The app: navigation and what works everywhere.
command("app.home", "0", "app.home", "switch_mode('home')", show=False,
        palette_label="app.go_home")
for _i, (_code, _name) in enumerate(SECTION_MODES, start=1):
    command(f"app.section.{_code}", str(_i), _name, f"switch_mode('{_code}')", show=False,
            palette_label="app.go_section")
# F1 works in a form too (a priority key: a modal screen stops the app's other keys); ? only
# outside a text field, where it types itself. F1's list shows them as one row.
command("app.help", "f1", "app.help", priority=True)
command("app.help_mark", "question_mark", "app.help", "help", help="app.help_mark", show=False,
        palette=False)
command("app.settings", "f2", "app.settings")
command("app.error_register", "", "outgoing.palette_errors")
command("app.new_leave", "", "leave.palette_new")
command("app.leave_register", "", "leave.palette_register")
command("app.new_supervision_item", "", "supervision.palette_new")
command("app.new_suggestion", "", "suggestion.palette_new")
command("app.suggestion_register", "", "suggestion.palette_register")
command("app.special_report_register", "", "special_report.palette_register")
command("app.petition_register", "", "petition.palette_register")
command("app.new_petition", "", "petition.palette_new")
command("app.new_call", "", "petition.palette_call")
command("app.audit_log", "", "audit.palette")
command("app.search", "slash", "search.label", "search", help="search.help",
        palette_label="search.palette")
command("app.quit", "ctrl+q", "app.quit", help="app.quit_help")
# Declared so the footer names it in the user's language (Textual adds an English one otherwise).
command("app.palette", "ctrl+p", "app.palette", "command_palette", show=False, priority=True,
        palette=False)

command("home.open", "enter", "home.open", "open_item")
command("home.refresh", "r", "home.refresh")

# Every section screen
command("section.cycle_filter", "f", "section.cycle_filter")
command("section.remind", "u", "section.remind")
command("section.new_draft", "w", "outgoing.new_draft")
# Sections whose registers sit on tabs
command("section.next_pane", "right_square_bracket", "section.next_pane")
command("section.previous_pane", "left_square_bracket", "section.previous_pane", show=False)

# 秘书科
command("secretariat.new_incoming", "n", "incoming.new")
command("secretariat.open_selected", "enter", "incoming.open", show=False)
command("secretariat.search", "slash", "incoming.search")
command("secretariat.cycle_state", "t", "incoming.cycle_state")
command("secretariat.register_focus", "ctrl+l", "incoming.focus_register")
command("secretariat.toggle_register", "o", "outgoing.toggle_register")
command("secretariat.error_register", "x", "outgoing.error_register")
command("secretariat.leave_register", "v", "leave.registers")
command("secretariat.import_incoming", "i", "imports.screen.key_open",
        help="imports.screen.key_open_help")
# 导入收文台账 (screens/import_sheet.py)
command("import_sheet.read", "ctrl+r", "imports.screen.key_read", "read", priority=True)
command("import_sheet.confirm", "ctrl+s", "imports.screen.key_confirm", "confirm",
        priority=True)
command("import_sheet.cancel", "escape", "imports.screen.key_cancel", "cancel")

# Every list that can be narrowed, sorted and jumped in (screens/list_view.py)
command("list.filter_line", "l", "listview.filter_line", "filter_line",
        help="listview.filter_line_help")
command("list.saved_filters", "L,shift+l", "listview.saved_filters", "saved_filters",
        help="listview.saved_filters_help", show=False)
command("list.sort", "S,shift+s", "listview.sort", "sort_list", help="listview.sort_help",
        show=False)
command("list.jump", "number_sign", "listview.jump", "jump_to_number",
        help="listview.jump_help", show=False)
# Export what a list or a record shows (screens/export_dialog.py): e on a list; E on a record,
# where e has been 修改 from the start.
command("list.export", "e", "export_folder.act_export", "export", help="export_folder.act_export_help")
command("record.export", "E,shift+e", "export_folder.act_export", "export",
        help="export_folder.act_export_help")
command("export.submit", "ctrl+s", "export_folder.act_submit", "submit")
command("export.cancel", "escape", "export_folder.act_cancel", "cancel")
# A list's search or filter box (widgets/filter_line.py): Esc goes back to the list, keeping
# the text; the next Esc does what Esc does there.
command("search_box.leave", "escape", "listview.cancel", "leave_box", show=False, palette=False)
# The chooser of saved filters and of a sort column (screens/list_view.py)
command("chooser.cancel", "escape", "listview.cancel", "cancel")
command("chooser.delete", "delete,ctrl+d", "listview.saved_delete", "delete_choice")

# Every register (widgets/paged_table.py): its first and last row, however long it is
command("register.first", "home,ctrl+home", "common.register_first", "first", show=False)
command("register.last", "end,ctrl+end", "common.register_last", "last", show=False)

# Tagging in the task lists and registers (widgets/tagging.py) and acting on the tagged at once
# (screens/triage.py): mutt's t / T / ;
command("tags.toggle", "space", "bulk.tag", "toggle_tag", help="bulk.tag_help")
command("tags.all", "T", "bulk.tag_all", "tag_all", help="bulk.tag_all_help", show=False)
command("tags.act", "semicolon", "bulk.act", "act_on_tagged", help="bulk.act_help")
for _action, _key in (("remind", "u"), ("circulate", "m"), ("sign", "s"), ("close", "c"),
                      ("archive", "g"), ("urge", "d")):
    command(f"bulk_menu.{_action}", _key, f"bulk.act_{_action}", f"choose('{_action}')",
            help=f"bulk.help_{_action}")
command("bulk_menu.cancel", "escape", "bulk.menu_cancel", "cancel")
command("bulk_result.close", "escape,enter", "bulk.result_close", "close")
# 催办 of every holder of a document (u on a task list or a record)
command("remind_holders.toggle", "space", "bulk.holders_toggle", "toggle")
command("remind_holders.send", "ctrl+s", "bulk.holders_send", "send")
command("remind_holders.cancel", "escape", "common.cancel", "cancel")

# Any record's detail screen
command("flow.hand_back", "h", "common.hand_back")

# 收文 detail
command("incoming.back", "escape", "incoming.back", "back")
for _action, _key, _label in (
        ("intake", "i", "act_intake"), ("sign", "s", "act_sign"),
        ("read_return", "r", "act_read_return"), ("send_on", "d", "act_send_on"),
        ("close_doc", "c", "act_close"), ("archive", "g", "act_archive"),
        ("circulate", "m", "act_circulate"), ("remind", "u", "act_remind"),
        ("lend", "l", "act_lend"), ("return_loan", "b", "act_return_loan"),
        ("edit", "e", "act_edit")):
    command(f"incoming.{_action}", _key, f"incoming.{_label}")

# 发文 detail. The forward action of four different steps shares a (only one is ever open).
command("outgoing.back", "escape", "outgoing.back", "back")
for _action, _key, _label in (
        ("edit", "e", "act_edit"), ("submit", "s", "act_submit"), ("approve", "a", "act_approve"),
        ("register_signed", "a", "act_register_signed"), ("number", "a", "act_number"),
        ("first_read", "a", "act_first_read"), ("send_back", "b", "act_send_back"),
        ("record_error", "x", "act_record_error"), ("print_doc", "p", "act_print"),
        ("dispatch", "d", "act_dispatch"), ("change", "c", "act_change"),
        ("written_date", "w", "act_written_date"), ("backflow", "f", "act_backflow"),
        ("compare", "v", "act_compare")):
    command(f"outgoing.{_action}", _key, f"outgoing.{_label}")

# 请假 detail and register
command("leave.back", "escape", "outgoing.back", "back")
command("leave.approve", "a", "leave.act_approve", "approve")
command("leave.refuse", "b", "leave.act_refuse", "refuse")
command("leave.cancel_leave", "c", "leave.act_cancel", "cancel_leave")
command("leave.remind", "u", "leave.act_remind", "remind")
command("leave_register.back", "escape", "outgoing.back", "back")
command("leave_register.new", "n", "leave.new", "new_leave")
command("leave_register.open", "enter", "leave.open", "open_selected", show=False)

# 督查事项 (督查室's tab and the item's screen)
command("supervision.new_item", "n", "supervision.new")
command("supervision.item_kind", "k", "supervision.cycle_kind")
command("supervision.item_overdue", "o", "supervision.toggle_overdue")
command("supervision.open_item", "enter", "supervision.open", show=False)
command("supervision.publish", "p", "supervision.publish")
command("supervision_issue.close", "escape", "supervision.close", "close")
command("supervision_item.back", "escape", "outgoing.back", "back")
for _action, _key in (("sup_sign", "s"), ("sup_report", "r"), ("sup_final", "f"),
                      ("sup_confirm", "c"), ("sup_reopen", "b"), ("sup_noted", "a"),
                      ("sup_instruct", "i"), ("sup_urge", "u"), ("sup_extend", "e")):
    command(f"supervision_item.{_action}", _key, f"engine.action.{_action}")
command("supervision.import_items", "i", "imports.screen.key_open",
        help="imports.screen.key_open_help_supervision")
# 建议提案 detail and register (督查室: j opens the register)
command("supervision.suggestions", "j", "suggestion.registers", "suggestion_register")
command("supervision.export_suggestions", "ctrl+e", "suggestion.export", "export_suggestions")
command("suggestion.back", "escape", "outgoing.back", "back")
for _action, _key in (("assign", "j"), ("co_opinion", "o"), ("submit", "d"), ("review", "r"),
                      ("approve", "a"), ("send_back", "b"), ("send_reply", "s"),
                      ("feedback", "f"), ("second_reply", "e"), ("implemented", "i"),
                      ("extend", "x"), ("remind", "u")):
    command(f"suggestion.{_action}", _key, f"suggestion.act_{_action}")
command("suggestion_register.back", "escape", "outgoing.back", "back")
command("suggestion_register.new", "n", "suggestion.new", "new_suggestion")
command("suggestion_register.source", "t", "suggestion.cycle_source", "cycle_source")
command("suggestion_register.open", "enter", "suggestion.open", "open_selected", show=False)
command("suggestion_register.import", "i", "imports.screen.key_open", "import_sheet",
        help="imports.screen.key_open_help_suggestion")

# 人大常委会 special work reports (督查室: k opens the register)
command("supervision.special_reports", "g", "special_report.registers", "special_report_register")
command("special_report.back", "escape", "outgoing.back", "back")
for _action, _key in (("notify", "t"), ("submit_report", "d"), ("review", "r"),
                      ("approve", "a"), ("send_back", "b"), ("send_report", "s"),
                      ("opinions", "o"), ("report_back", "e"), ("remind", "u")):
    command(f"special_report.{_action}", _key, f"special_report.act_{_action}")
command("special_report_register.back", "escape", "outgoing.back", "back")
command("special_report_register.new", "n", "special_report.new", "new_special_report")
command("special_report_register.open", "enter", "special_report.open", "open_selected",
        show=False)

# 信访 (the register from the palette; 直线电话受理中心 calls)
command("petition.back", "escape", "outgoing.back", "back")
for _action, _key in (("pet_propose", "p"), ("pet_not_accepted", "x"), ("pet_instruct", "a"),
                      ("pet_transfer", "t"), ("pet_answer", "d"), ("pet_close", "c"),
                      ("pet_send_back", "b"), ("pet_urge", "u"), ("pet_extend", "e"),
                      ("pet_visit", "v"), ("pet_review", "r"), ("pet_review_decide", "r")):
    command(f"petition.{_action}", _key, f"engine.action.{_action}")
command("petition.earlier", "o", "petition.act_earlier", "earlier")
command("petition_register.back", "escape", "outgoing.back", "back")
command("petition_register.new", "n", "petition.new", "new_petition")
command("petition_register.call", "c", "petition.new_call", "new_call")
command("petition_register.open", "enter", "petition.open", "open_selected", show=False)
command("petition_register.briefing", "w", "petition.act_briefing", "briefing")
command("petition_briefing.close", "escape", "outgoing.back", "close")
# 督查室's 信访 tab (n and w are its own while it shows)
command("supervision.new_petition", "n", "petition.new", "new_petition")
command("supervision.petition_call", "c", "petition.new_call", "petition_call")
command("supervision.petition_briefing", "w", "petition.act_briefing", "petition_briefing")
command("supervision.open_petition", "enter", "petition.open", "open_petition", show=False)

# 收文 registration form and its modals
command("incoming_form.save", "ctrl+s", "incoming.form_save", "save")
command("incoming_form.cancel", "escape", "incoming.form_cancel", "cancel")
# The keys that open a picker are priority bindings: the App runs them before it hands on the
# keys typed after them, so a fast typist's search lands in the picker, not in the form.
command("incoming_form.pick_from", "ctrl+g", "incoming.form_pick_from", "pick_from", priority=True)
command("incoming_form.pick_remit", "ctrl+t", "incoming.form_pick_remit", "pick_remit", priority=True)
command("incoming_form.pick_urging", "ctrl+r", "incoming.form_pick_urging", "pick_urging", priority=True)
command("incoming_action.submit", "ctrl+s", "incoming.modal_submit", "submit")
command("incoming_action.cancel", "escape", "incoming.form_cancel", "cancel")
command("incoming_action.pick_unit", "ctrl+g", "incoming.pick_transfer_unit", "pick_unit",
        priority=True)
command("incoming_action.add_people", "a", "incoming.readers_add_people", "add_people",
        show=False)
command("incoming_action.add_sections", "k", "incoming.readers_add_sections", "add_sections",
        show=False)
command("incoming_action.cycle_action", "t", "incoming.readers_cycle", "cycle_action",
        show=False)
command("incoming_action.remove_reader", "x,delete", "incoming.readers_remove", "remove_reader",
        show=False)

# 发文 form and its modals
command("outgoing_form.save", "ctrl+s", "outgoing.form_save", "save")
command("outgoing_form.cancel", "escape", "outgoing.form_cancel", "cancel")
command("outgoing_form.check", "ctrl+r,f5", "outgoing.form_check", "check")
command("outgoing_form.pick_unit", "ctrl+g", "outgoing.form_pick_unit", "pick_unit", priority=True)
command("fields.submit", "ctrl+s,enter", "outgoing.modal_submit", "submit")
command("fields.cancel", "escape", "outgoing.modal_cancel", "cancel")
command("dispatch.submit", "ctrl+s", "outgoing.dispatch_submit", "submit")
command("dispatch.cancel", "escape", "outgoing.modal_cancel", "cancel")
command("dispatch.pick_units", "ctrl+g", "outgoing.dispatch_pick", "pick_units", priority=True)
command("dispatch.remove", "delete,ctrl+d", "outgoing.dispatch_remove", "remove")
command("compare.close", "escape", "outgoing.modal_close", "close")
# A changed form closed, and a draft kept from before (screens/drafts.py). Esc and Enter pick
# what loses nothing: keep editing; restore.
command("close_form.save", "s", "drafts.close_save", "save")
command("close_form.discard", "d", "drafts.close_discard", "discard")
command("close_form.keep", "escape,enter", "drafts.close_keep", "keep")
command("draft_offer.restore", "r,enter,escape", "drafts.offer_restore", "restore")
command("draft_offer.discard", "d", "drafts.offer_discard", "discard")
# A save that met a colleague's newer version, settled field by field (screens/conflict.py)
command("conflict.keep_mine", "m", "conflict.keep_mine", "keep_mine")
command("conflict.take_theirs", "t", "conflict.take_theirs", "take_theirs")
command("conflict.edit", "e", "conflict.edit", "edit")
command("conflict.next", "down", "conflict.next", "next", show=False)
command("conflict.previous", "up", "conflict.previous", "previous", show=False)
command("conflict.done", "ctrl+s", "conflict.done", "done")
command("conflict.cancel", "escape", "conflict.cancel", "cancel")

# 差错 register, audit log, settings, the picker
command("errors.back", "escape", "outgoing.back", "back")
command("errors.export", "e,ctrl+e", "export_folder.act_export", "export",
        help="export_folder.act_export_help")
command("errors.previous", "left_square_bracket", "outgoing.err_prev", "step_period(-1)",
        show=False)
command("errors.next", "right_square_bracket", "outgoing.err_next", "step_period(1)")
command("audit.back", "escape", "audit.back", "back")
command("audit.focus_filter", "ctrl+f", "audit.focus_filter", "focus_filter")
command("search.back", "escape", "search.back", "back")
command("search.open", "enter", "search.open", "open", show=False)
command("search.focus_text", "slash,ctrl+f", "search.focus_text", "focus_text")
command("settings.cancel", "escape", "common.cancel", "cancel")
command("picker.cancel", "escape", "incoming.picker_cancel", "cancel")
command("picker.done", "ctrl+s", "incoming.picker_done", "done")


# ---------------------------------------------------------------- screens declare their commands


def _action_key(action: str) -> tuple[str, tuple[object, ...]]:
    _, name, params = parse(action)
    return name, tuple(params)


@cache
def _by_action(cls: type) -> dict[tuple[str, tuple[object, ...]], Command]:
    """(action name, parameters) → the command of class ``cls`` (and its bases) it runs."""
    return {_action_key(REGISTRY[i].action): REGISTRY[i] for i in commands_of(cls)}


def commands_of(cls: type) -> tuple[str, ...]:
    """Every command id a node class declares, its bases' included (bases first)."""
    out: list[str] = []
    for base in reversed(cls.__mro__):
        for i in base.__dict__.get("COMMAND_IDS", ()):
            if i not in out:
                out.append(i)
    return tuple(out)


class HasCommands:
    """Mixed into a screen, widget or the app before its Textual base class."""

    COMMAND_IDS: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "COMMAND_IDS" in cls.__dict__:
            unknown = [i for i in cls.COMMAND_IDS if i not in REGISTRY]
            if unknown:
                raise ValueError(f"{cls.__name__}: unknown command ids {unknown}")
            # Textual merges each class's own BINDINGS with its bases' (DOMNode._merge_bindings);
            # a class may keep plain BINDINGS of its own (keys that are not commands) beside.
            own = [b for b in cls.__dict__.get("BINDINGS", []) if not getattr(b, "id", None)]
            cls.BINDINGS = [*own, *bindings(cls.COMMAND_IDS)]  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)

    def available_commands(self) -> set[str]:
        """The ids the user may use here now. Override where it depends on the record, the
        user's task or permissions: this is the one place keys, footer, F1 and palette ask."""
        return set(commands_of(type(self)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        cmd = _by_action(type(self)).get((action, tuple(parameters)))
        if cmd is not None:
            return cmd.id in self.available_commands()
        return super().check_action(action, parameters)  # type: ignore[misc]


# ---------------------------------------------------------------- what is offered now


@dataclass(frozen=True)
class Offered:
    """A command offered on the screen now: the keys it answers (after the user's keymap) and
    the node its action runs on, so the palette does exactly what the key does."""

    command: Command
    keys: str
    node: DOMNode


def offered(screen: Any, *, past_modal: bool = False) -> list[Offered]:
    """The commands the user may use on ``screen`` now: the focused widget's, its containers',
    the screen's, then the app's, in that order. A modal screen (a form) stops the keys of the
    app, as Textual does, unless ``past_modal`` (the palette: going to a section over an open
    form keeps the form in its section's stack)."""
    app = screen.app
    focused = screen.focused
    nodes: list[DOMNode] = list(focused.ancestors_with_self) if focused is not None \
        else [screen, app]
    if screen not in nodes:
        nodes = [screen, app]
    out: list[Offered] = []
    seen: set[str] = set()
    for node in nodes:
        ids = commands_of(type(node))
        if ids:
            keys = _bound_keys(node, app._keymap)
            for i in ids:
                cmd = REGISTRY[i]
                if i in seen:
                    continue
                if app._check_action_state(cmd.action, node) is False:
                    continue
                seen.add(i)
                out.append(Offered(cmd, keys.get(i, ""), node))
        if node is screen and screen.is_modal and not past_modal:
            break
    return out


def bound_keys(node: DOMNode, command_id: str) -> str:
    """The keys ``command_id`` answers on ``node`` now, the user's keymap applied ("" if
    none): for a hint that names the key."""
    return _bound_keys(node, node.app._keymap).get(command_id, "")


def _bound_keys(node: DOMNode, keymap: Mapping[str, str]) -> dict[str, str]:
    """Command id → the keys it is bound to on ``node`` now (the user's keymap applied)."""
    bindings_map = node._bindings.copy()
    if keymap:
        bindings_map.apply_keymap(dict(keymap))
    out: dict[str, list[str]] = {}
    for key, binding in bindings_map:
        if binding.id and key not in out.get(binding.id, []):
            out.setdefault(binding.id, []).append(key)
    return {i: ",".join(keys) for i, keys in out.items()}


# ---------------------------------------------------------------- a language change


def _relabel_map(bindings_map: BindingsMap) -> None:
    for key, key_bindings in bindings_map.key_to_bindings.items():
        bindings_map.key_to_bindings[key] = [
            dataclasses.replace(b, description=REGISTRY[b.id].text,
                                tooltip=REGISTRY[b.id].help_text)
            if b.id in REGISTRY else b for b in key_bindings]


def _node_classes(cls: type = DOMNode) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _node_classes(sub)


def relabel(nodes: Iterable[DOMNode]) -> None:
    """Word every binding in the current language: each class's merged bindings (so screens
    made from now on start right) and those of ``nodes`` (screens and widgets alive now)."""
    for cls in set(_node_classes()):
        merged = cls.__dict__.get("_merged_bindings")
        if merged is not None:
            _relabel_map(merged)
    for node in nodes:
        _relabel_map(node._bindings)


# ---------------------------------------------------------------- the config file's [keys]

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAMES = {k.value for k in Keys}


def valid_key(key: str) -> bool:
    """A key as Textual names it: ``ctrl+g``, ``f5``, ``question_mark``, ``x``."""
    *mods, last = key.strip().split("+")
    if not last or any(m not in MODIFIERS for m in mods):
        return False
    if len(last) == 1:
        return last.isprintable()
    if last in _KEY_NAMES or (last.startswith("f") and last[1:].isdigit()):
        return True
    try:  # a character by its Unicode name, as Textual names them (slash = solidus)
        unicodedata.lookup(REPLACED_KEYS.get(last, last).replace("_", " "))
    except KeyError:
        return False
    return True


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    # `incoming.sign = "ctrl+g"` unquoted is a nested table in TOML; both spellings work.
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def keymap_from_config(table: Any) -> tuple[dict[str, str], list[str]]:
    """The config file's ``[keys]`` table → (a keymap for ``App.set_keymap``, problems in the
    user's language). Nothing in the table can stop govdesk from starting."""
    if not table:
        return {}, []
    if not isinstance(table, Mapping):
        return {}, [t("app.keys_not_table")]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for cid, value in _flatten(table):
        if cid not in REGISTRY:
            problems.append(t("app.keys_unknown", id=cid))
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        keys = [k.strip() for k in str(value).split(",")] if isinstance(value, str) else []
        if not keys or not all(valid_key(k) for k in keys):
            problems.append(t("app.keys_bad", id=cid, keys=str(value)))
            continue
        keymap[cid] = ",".join(keys)
    # Commands sharing a default key (发文's a): moving one must not unbind the others, which
    # Textual's apply_keymap does when it drops the old key; they keep theirs explicitly.
    for cid in list(keymap):
        old = set(REGISTRY[cid].keys.split(","))
        for other in REGISTRY.values():
            if other.id not in keymap and other.keys and old & set(other.keys.split(",")) \
                    and other.id.split(".")[0] == cid.split(".")[0]:
                keymap[other.id] = other.keys
    return keymap, problems


def clashes(keymap: Mapping[str, str], app_ids: Iterable[str]) -> list[str]:
    """Keys the keymap gives to two commands of one screen (its own and the app's), in the
    user's language. Textual's apply_keymap keeps only one of them, without a word."""
    from govdesk.screens.help import key_label

    app_ids = tuple(app_ids)
    told: set[frozenset[str]] = set()
    out: list[str] = []
    for cls in sorted(set(_node_classes()), key=lambda c: c.__qualname__):
        ids = commands_of(cls)
        if not ids or not any(i in keymap for i in ids):
            continue
        by_key: dict[str, set[str]] = {}
        for i in dict.fromkeys((*ids, *app_ids)):
            for key in keymap.get(i, REGISTRY[i].keys).split(","):
                if key:
                    by_key.setdefault(key, set()).add(i)
        for key, users in by_key.items():
            moved = {i for i in users if i in keymap and keymap[i] != REGISTRY[i].keys}
            if len(users) > 1 and moved and frozenset(users) not in told:
                told.add(frozenset(users))
                out.append(t("app.keys_clash", keys=key_label(key),
                             names="、".join(REGISTRY[i].text for i in sorted(users))))
    return out
