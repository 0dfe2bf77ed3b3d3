"""Who may see and do what: clearance, per-task permission, redaction applied in the query."""

from __future__ import annotations

from govdesk.models import SECRECY_LEVELS, Person, Task
from govdesk.services.errors import PermissionDenied

REDACTED = "（密级高于本人权限，标题不予显示）"


def can_view(person: Person, secrecy: int) -> bool:
    return person.clearance >= secrecy


def visible_title(person: Person, title: str, secrecy: int) -> str:
    return title if can_view(person, secrecy) else f"【{SECRECY_LEVELS[secrecy]}】{REDACTED}"


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
        raise PermissionDenied("这一步不在您手上，不能办理。")


def require_secretariat(person: Person) -> None:
    if not (is_secretariat(person) or person.admin):
        raise PermissionDenied("只有秘书科人员可以办理此事项。")
