"""`govdesk today`: Home as plain text, for an SSH login banner or cron."""

from __future__ import annotations

from govdesk.services import inbox as inbox_service
from govdesk.services.context import Actor
from govdesk.services.schedule import leader_weeks
from govdesk.services.textwidth import pad


def _due(item: inbox_service.InboxItem) -> str:
    if item.due is None:
        return "无期限"
    tag = f"【{item.label}】" if item.label else ""
    return f"{tag}{item.due:%m-%d}"


def summary(actor: Actor) -> str:
    person = actor.person
    items = inbox_service.inbox(actor)
    lines = [
        f"govdesk · {person.name}（{person.section.name} {person.post}） · {actor.today:%Y-%m-%d}",
        "",
        f"待办 {len(items)} 件",
    ]
    for item in items[:20]:
        lines.append(f"  {pad(_due(item), 18)} {pad(item.step, 6)} {item.title}")
    if len(items) > 20:
        lines.append(f"  …… 另有 {len(items) - 20} 件")
    lines.append("")
    due = inbox_service.deadlines(actor)
    lines.append(f"期限提醒 {len(due)} 件")
    for label in (inbox_service.OVERDUE, inbox_service.TODAY, inbox_service.SOON):
        group = [i for i in due if i.label == label]
        if group:
            lines.append(f"  {label} {len(group)} 件")
            for item in group[:10]:
                holder = item.holder + (f"（代{item.acting_for}）" if item.acting_for else "")
                lines.append(f"    {item.due:%m-%d} {pad(holder, 8)} {pad(item.step, 6)} {item.title}")
    lines.append("")
    away = [w for w in leader_weeks(actor.today, actor.now) if w.away_now]
    lines.append("领导外出" if away else "领导外出：无")
    for week in away:
        a = week.away_now
        acting = f"，{week.acting.name}代行" if week.acting else ""
        lines.append(f"  {week.leader.rank} {week.leader.name}：{a.start:%m-%d}至{a.end:%m-%d} "
                     f"{a.destination}{acting}")
    return "\n".join(lines) + "\n"
