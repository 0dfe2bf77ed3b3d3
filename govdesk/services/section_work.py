"""What a section's screen lists: tasks its people or the section hold, and its staff."""

from __future__ import annotations

from govdesk.models import Person, Section, Task
from govdesk.services import flow
from govdesk.services.context import Actor
from govdesk.services.inbox import OVERDUE, InboxItem, _items, _query

SectionItem = InboxItem


def section_items(actor: Actor, codes: tuple[str, ...], filter: str = "all",
                  limit: int = 500) -> list[InboxItem]:
    sections = list(Section.select().where(Section.code.in_(codes)))
    ids = [s.id for s in sections]
    q = _query(actor.person, mine=False)
    if filter == "mine":
        q = q.where(
            (Task.holder == actor.person.id)
            | (Task.holder.is_null() & (Task.holder_section == actor.person.section_id))
        )
    else:
        members = Person.select(Person.id).where(Person.section.in_(ids))
        q = q.where(Task.holder_section.in_(ids) | Task.holder.in_(members))
    items = _items(actor.person, q.limit(limit), actor.today)
    if filter == "overdue":
        items = [i for i in items if i.label == OVERDUE]
    return items


def members(codes: tuple[str, ...]) -> list[Person]:
    return list(
        Person.select(Person, Section)
        .join(Section)
        .where(Section.code.in_(codes) & Person.active)
        .order_by(Section.order, Person.id)
    )


def remind(actor: Actor, task_id: int, note: str = "") -> None:
    flow.remind(actor, Task.get_by_id(task_id), note)
