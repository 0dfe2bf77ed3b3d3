"""`govdesk today`: Home as plain text, for an SSH login banner or cron.

Printed in the user's language (catalog ``today.*``), the office's fixed words too: a step is
stored Simplified and printed through ``term``. Titles, names and places are what people wrote
and appear as stored.
"""

from __future__ import annotations

from govdesk.i18n import t, term
from govdesk.services import inbox as inbox_service
from govdesk.services import workflows  # noqa: F401  (each kind's titles, shown per reader)
from govdesk.services.calendar import schedule_notice
from govdesk.services.context import Actor
from govdesk.services.schedule import leader_weeks
from govdesk.services.textwidth import pad

# The inbox's deadline labels are data (compared, never shown as they are): their words.
LABEL_KEYS = {inbox_service.OVERDUE: "common.overdue", inbox_service.TODAY: "common.due_today",
              inbox_service.SOON: "common.due_soon"}


def _label(label: str) -> str:
    return t(LABEL_KEYS[label]) if label in LABEL_KEYS else label


def _due(item: inbox_service.InboxItem) -> str:
    if item.due is None:
        return t("common.no_deadline")
    tag = t("today.due_tag", label=_label(item.label)) if item.label else ""
    return f"{tag}{item.due:%m-%d}"


def holders_line(item: inbox_service.InboxItem) -> str:
    """Who holds a document of the deadline lists: its one holder, or how many and the first
    few (``3 人未退：黄晓敏、韩磊、…``)."""
    if item.holder_count <= 1:
        return item.holder + (t("today.acting_for", name=item.acting_for)
                              if item.acting_for else "")
    names = "、".join(item.holders) + ("、…" if item.holder_count > len(item.holders) else "")
    key = "common.holders_unreturned" if item.circulating else "common.holders_waiting"
    return t(key, n=item.holder_count, names=names)


def _holders_short(item: inbox_service.InboxItem) -> str:
    """The holder column of a plain-text line, one word: ``黄晓敏等5人未退``."""
    if item.holder_count <= 1:
        return holders_line(item)
    key = "today.holders_unreturned" if item.circulating else "today.holders_waiting"
    return t(key, name=item.holders[0] if item.holders else "", n=item.holder_count)


def summary(actor: Actor) -> str:
    person = actor.person
    shown = 20
    items = inbox_service.inbox(actor, limit=shown)
    total = inbox_service.inbox_count(actor)
    lines = [
        t("today.header", name=person.name, section=person.section.name, post=person.post,
          day=f"{actor.today:%Y-%m-%d}"),
        "",
        t("today.inbox", n=total),
    ]
    for item in items:
        lines.append(f"  {pad(_due(item), 18)} {pad(term(item.step), 6)} {item.title}")
    if total > shown:
        lines.append("  " + t("today.more", n=total - shown))
    lines.append("")
    counts = inbox_service.deadline_counts(actor)
    lines.append(t("today.deadlines", n=counts.total))
    for label, n in ((inbox_service.OVERDUE, counts.overdue), (inbox_service.TODAY, counts.today),
                     (inbox_service.SOON, counts.soon)):
        if n:
            lines.append("  " + t("today.group", label=_label(label), n=n))
            for item in inbox_service.deadlines(actor, limit=10, label=label):
                lines.append(f"    {item.due:%m-%d} {pad(_holders_short(item), 8)} "
                             f"{pad(term(item.step), 6)} {item.title}")
    lines.append("")
    away = [w for w in leader_weeks(actor.today, actor.now) if w.away_now]
    lines.append(t("today.away") if away else t("today.away_none"))
    for week in away:
        a = week.away_now
        acting = t("today.acting", name=week.acting.name) if week.acting else ""
        lines.append("  " + t("today.away_line", rank=week.leader.rank, name=week.leader.name,
                                start=f"{a.start:%m-%d}", end=f"{a.end:%m-%d}",
                                destination=a.destination, acting=acting))
    notice = schedule_notice(person, actor.today)  # admins: a year's 调休 schedule missing
    if notice:
        lines += ["", notice]
    return "\n".join(lines) + "\n"
