"""Checks every service applies to what a form or a caller hands it.

Each refusal is a ValidationError naming the field as the user sees it (``label``, already in
the user's language) and, where the value came from a form, the form's field name (``name``),
so a form can put the cursor on the field in any language. Messages come from the catalog
(``errors.*``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from govdesk.i18n import t, term
from govdesk.models import SECRECY_LEVELS, Person, Section, Unit
from govdesk.services import plain_text
from govdesk.services.errors import ValidationError, ValidationErrors
from govdesk.services.rules import office_rules

MAX_TEXT = 2000
MAX_SUMMARY = 20000
SQLITE_INT = 2**63  # an id or number outside ±2**63 cannot reach SQLite at all


class Checks:
    """Every field of a form checked before the answer: ``run`` calls one check and, refused,
    notes the refusal and gives ``otherwise``; ``done()`` then raises them all at once
    (ValidationErrors, read as the first by a caller that knows one field at a time)."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, check, *args: Any, otherwise: Any = None, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationErrors as exc:
            self.errors.extend(exc.errors)
        except ValidationError as exc:
            self.errors.append(exc)
        return otherwise

    def refuse(self, error: ValidationError) -> None:
        self.errors.append(error)

    def failed(self, *names: str) -> bool:
        """Whether a field of these form names has been refused already."""
        return any(e.name in names for e in self.errors)

    def done(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)


def joined(choices: tuple[str, ...] | list[str]) -> str:
    """The allowed values for a refusal, as the user's language writes them."""
    return t("errors.sep").join(term(choice) for choice in choices)


def record_id(value: Any) -> int | None:
    """``value`` as a record id, or None when it cannot be one (wrong type, out of range)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -SQLITE_INT <= value < SQLITE_INT else None


def storable(value: str) -> bool:
    """Whether SQLite and PostgreSQL can store the text: a lone surrogate cannot be encoded as
    UTF-8, and PostgreSQL refuses NUL in any text."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(fields: dict, key: str, label: str, *, required: bool = False,
         limit: int = MAX_TEXT, multiline: bool = False) -> str:
    """The field's text, stripped. Refused: the wrong type, empty when required, too long,
    and any control, zero-width or bidi character (plain_text.unwanted; a ``multiline``
    field keeps its line breaks) — a form has cleaned a paste already, so what still
    carries one came from elsewhere and is not guessed at."""
    value = fields.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(label, t("errors.not_text"), name=key)
    value = value.strip()
    if required and not value:
        raise ValidationError(label, t("errors.required"), name=key)
    if len(value) > limit:
        raise ValidationError(label, t("errors.too_long", limit=limit), name=key)
    bad = plain_text.unwanted(value, multiline=multiline)
    if bad is not None:
        raise ValidationError(label, t("errors.hidden_chars", code=f"U+{ord(bad):04X}"),
                              name=key)
    if not storable(value):
        raise ValidationError(label, t("errors.unstorable"), name=key)
    return value


def choice(fields: dict, key: str, label: str, choices: tuple[str, ...], default: str) -> str:
    value = fields.get(key) or default
    if value == "急件":  # the seed's word for today's 加急 (SPEC §3)
        value = "加急"
    if value not in choices:
        raise ValidationError(label, t("errors.one_of", choices=joined(choices)), name=key)
    return value


def integer(fields: dict, key: str, label: str, *, default: int | None, low: int,
            high: int) -> int | None:
    value = fields.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(label, t("errors.integer"), name=key) from None
    if not low <= number <= high:
        raise ValidationError(label, t("errors.between", low=low, high=high), name=key)
    return number


def day(fields: dict, key: str, label: str, default: date) -> date:
    value = fields.get(key)
    if value in (None, ""):
        return default
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        found = value
    elif not isinstance(value, str):
        raise ValidationError(label, t("errors.date_format"), name=key)
    else:
        try:
            found = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(label, t("errors.date_format"), name=key) from None
    if not 2000 <= found.year <= 2100:
        raise ValidationError(label, t("errors.date_range"), name=key)
    return found


def secrecy(fields: dict) -> tuple[int, int | None]:
    """(level, years) from the form's 密级 and 保密期限; the period within the legal maximum."""
    name = fields.get("secrecy") or "无"
    if isinstance(name, int) and not isinstance(name, bool):
        name = SECRECY_LEVELS[name] if 0 <= name < len(SECRECY_LEVELS) else str(name)
    if name not in SECRECY_LEVELS:
        raise ValidationError(t("errors.f_secrecy"),
                              t("errors.one_of", choices=joined(SECRECY_LEVELS)), name="secrecy")
    level = SECRECY_LEVELS.index(name)
    if level == 0:
        return 0, None
    limit = office_rules().secrecy[name]
    years = integer(fields, "secrecy_years", t("errors.f_secrecy_years"), default=limit, low=1,
                    high=limit)
    return level, years


def _named(value: str, label: str, name: str | None, limit: int) -> str:
    """``text`` for a lone value, with the refusal naming the caller's field."""
    try:
        return text({"v": value}, "v", label, limit=limit)
    except ValidationError as exc:
        raise ValidationError(label, exc.message, name=name) from None


def _lookup(value: Any, label: str, name: str | None, model, what: str, limit: int, where,
            choice: type | None = None):
    """The directory entry ``value`` names, None for nothing chosen; refusals name the field.

    ``value`` is a row, a plain choice (``choice``: org.UnitChoice …, found again by its id,
    so an entry gone since it was picked is refused), a record id, or text ``where`` finds."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    if choice is not None and isinstance(value, choice):
        value = value.id
    if isinstance(value, int) and not isinstance(value, bool):
        key = record_id(value)
        found = model.get_or_none(model.id == key) if key is not None else None
        if found is None:
            raise ValidationError(label, t(f"errors.unknown_{what}", value=value), name=name)
        return found
    if not isinstance(value, str):
        raise ValidationError(label, t(f"errors.pick_{what}"), name=name)
    value = _named(value, label, name, limit)
    if not value:
        return None
    found = model.get_or_none(where(value))
    if found is None:
        raise ValidationError(label, t(f"errors.unknown_{what}", value=value), name=name)
    return found


def unit(value: Any, label: str, *, name: str | None = None) -> Unit | None:
    """A unit of the directory: a UnitChoice, an id, or a code, short name or full name."""
    from govdesk.services.org import UnitChoice

    return _lookup(value, label, name, Unit, "unit", 200,
                   lambda v: (Unit.code == v) | (Unit.short == v) | (Unit.name == v), UnitChoice)


def person(value: Any, label: str, *, name: str | None = None) -> Person | None:
    """A person of the directory: a PersonChoice, an id, or a login or name."""
    from govdesk.services.org import PersonChoice

    return _lookup(value, label, name, Person, "person", 100,
                   lambda v: (Person.login == v) | (Person.name == v), PersonChoice)


def section(value: Any, label: str, *, name: str | None = None) -> Section | None:
    """A section: a SectionChoice, an id, or its code or name."""
    from govdesk.services.org import SectionChoice

    return _lookup(value, label, name, Section, "section", 100,
                   lambda v: (Section.code == v) | (Section.name == v), SectionChoice)


def page_args(search: Any, state: Any, **numbers: Any) -> bool:
    """Check a register page's filters; False when the text cannot match any row (longer than
    any stored field, or unstorable) — a pasted megabyte must not stall the screen."""
    for key, value in numbers.items():
        if value is not None and record_id(value) is None:
            raise ValidationError(t(f"errors.f_{key}"), t("errors.integer"), name=key)
    for key, value in (("search", search), ("state", state)):
        if value is not None and not isinstance(value, str):
            raise ValidationError(t(f"errors.f_{key}"), t("errors.not_text"), name=key)
    return all(value is None or (len(value) <= MAX_TEXT and storable(value))
               for value in (search, state))
