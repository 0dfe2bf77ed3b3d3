"""Who may see and do what: clearance, per-task permission, redaction applied in the query."""

from __future__ import annotations

from govdesk.i18n import t, term
from govdesk.models import SECRECY_LEVELS, Person, Task
from govdesk.services.errors import PermissionDenied


def redacted_title() -> str:
    """What stands for a title above the viewer's clearance, in the user's language."""
    return t("work.redacted_title")


def __getattr__(name: str) -> str:
    # ``policy.REDACTED``: the words, looked up when asked for (never a constant in one language).
    if name == "REDACTED":
        return redacted_title()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def can_view(person: Person, secrecy: int) -> bool:
    return person.clearance >= secrecy


def visible_title(person: Person, title: str, secrecy: int) -> str:
    if can_view(person, secrecy):
        return title
    # Shown, never stored or compared: the 密级 in the user's language like the words around it.
    return t("work.secret_title", level=term(SECRECY_LEVELS[secrecy]), text=redacted_title())


def is_secretariat(person: Person) -> bool:
    return person.section.code == "mishu"


def is_director(person: Person) -> bool:
    return person.rank in ("主任", "副主任")


def sees_all_deadlines(person: Person) -> bool:
    """SPEC §2: 主任 and 督查室 see everyone's deadlines."""
    return person.rank == "主任" or person.section.code == "ducha" or person.admin


def can_act(person: Person, task: Task) -> bool:
    if task.state != "waiting":
        return False
    if task.holder_id is not None:
        return task.holder_id == person.id
    return task.holder_section_id == person.section_id


def require_act(person: Person, task: Task) -> None:
    if not can_act(person, task):
        raise PermissionDenied(t("work.not_yours"))


def may_register_incoming(person: Person) -> bool:
    """Who registers 收文 (and so may import a 台账 of them): 秘书科 and admins."""
    return is_secretariat(person) or bool(person.admin)


def require_secretariat(person: Person) -> None:
    if not (is_secretariat(person) or person.admin):
        raise PermissionDenied(t("work.secretariat_only"))
