"""peewee models; importing this package never imports the UI."""

from govdesk.models.db import close_database, data_version, database, open_database
from govdesk.models.draft import FormDraft
from govdesk.models.flow import Flow, Reminder, Task
from govdesk.models.incoming import IncomingDocument, Loan
from govdesk.models.leave import LeaveRequest
from govdesk.models.meta import AuditEntry, Counter, Meta
from govdesk.models.org import (
    SECRECY_LEVELS,
    Absence,
    Oversight,
    Person,
    Portfolio,
    ScheduleEntry,
    Section,
    Unit,
)
from govdesk.models.outgoing import DispatchRecord, DraftRevision, ErrorRecord, OutgoingDocument
from govdesk.models.petition import (
    HotlineCall,
    Petition,
    PetitionPerson,
    PetitionReview,
    PetitionUnit,
)
from govdesk.models.search import SearchEntry
from govdesk.models.suggestion import SpecialReport, Suggestion
from govdesk.models.supervision import (
    SupervisionBulletin,
    SupervisionItem,
    SupervisionNotice,
    SupervisionPart,
    SupervisionReport,
)

ALL_MODELS = [
    Meta,
    Counter,
    AuditEntry,
    Section,
    Unit,
    Person,
    Portfolio,
    Oversight,
    Absence,
    ScheduleEntry,
    Flow,
    Task,
    Reminder,
    IncomingDocument,
    Loan,
    OutgoingDocument,
    DraftRevision,
    DispatchRecord,
    ErrorRecord,
    LeaveRequest,
    SearchEntry,
    FormDraft,
    SupervisionItem,
    SupervisionPart,
    SupervisionReport,
    SupervisionNotice,
    SupervisionBulletin,
    Suggestion,
    SpecialReport,
    Petition,
    PetitionPerson,
    PetitionUnit,
    PetitionReview,
    HotlineCall,
]

__all__ = [
    "ALL_MODELS",
    "SECRECY_LEVELS",
    "Absence",
    "AuditEntry",
    "Counter",
    "DispatchRecord",
    "DraftRevision",
    "ErrorRecord",
    "OutgoingDocument",
    "Flow",
    "FormDraft",
    "HotlineCall",
    "IncomingDocument",
    "LeaveRequest",
    "SupervisionBulletin",
    "SupervisionItem",
    "SupervisionNotice",
    "SupervisionPart",
    "SupervisionReport",
    "Loan",
    "Meta",
    "Oversight",
    "Petition",
    "PetitionPerson",
    "PetitionReview",
    "PetitionUnit",
    "Person",
    "Portfolio",
    "SearchEntry",
    "Reminder",
    "ScheduleEntry",
    "Section",
    "SpecialReport",
    "Suggestion",
    "Task",
    "Unit",
    "close_database",
    "data_version",
    "database",
    "open_database",
]
