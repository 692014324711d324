"""Tables, indexes and constraints. No business rules: those live in staging/domain.

Every schema change here needs a migration in staging/store/migrations/ (see README).
core: the stock (people, places, parts, work orders, units, codes, the ledger); records: what is
kept beside it (logbook, label prints, sign-in and security, master-data changes, settings);
planning: staging tasks and line-side places, output pallets and their genealogy; events: the
outbox other systems follow; upkeep: tools, maintenance, andon calls and wall screens."""
from .core import (
    LEDGER_KINDS,
    LOCATION_KINDS,
    ROLES,
    UNIT_STATUSES,
    WORK_ORDER_STATUSES,
    ApiToken,
    Barcode,
    BaseModel,
    Entry,
    Location,
    LocationsVersion,
    OutputRecord,
    Part,
    PartGtin,
    Quantity,
    Scan,
    Sequence,
    Unit,
    User,
    WorkOrder,
    WorkOrderLine,
    WorkOrderMachine,
    WorkOrderTotals,
    utcnow,
)
from .counts import (
    COUNT_CLASSES,
    COUNT_LINE_STATES,
    COUNT_STATUSES,
    COUNT_TASK_STATES,
    Count,
    CountEntry,
    CountLine,
    CountTask,
    PartCountClass,
)
from .events import Event
from .idempotency import IdempotencyKey
from .imports import ImportedRow
from .machines import MACHINE_STATES, MachineState
from .planning import (
    CALL_STATES,
    LINE_SIDE_KINDS,
    TASK_STATES,
    Call,
    Genealogy,
    KanbanCard,
    LineSidePlace,
    LineSideStock,
    OutputUnit,
    StagingTask,
    TaskSync,
    UnitExpiry,
    WorkOrderLane,
)
from .records import (
    LOG_NOTE_KINDS,
    NOTE_MAX,
    PRINT_JOB_STATES,
    PRINTER_STATES,
    SECURITY_EVENTS,
    LabelJob,
    LabelPrint,
    LoginFailure,
    LogNote,
    MasterChange,
    Printer,
    PrintJob,
    SecurityEvent,
    Setting,
    ShiftLog,
)
from .upkeep import (
    ANDON_KINDS,
    PLAN_KINDS,
    TOOL_KINDS,
    AndonCall,
    MaintenanceDone,
    MaintenancePlan,
    Screen,
    Tool,
)
from .webhooks import WEBHOOK_KINDS, Webhook, WebhookDelivery

MODELS = [User, ApiToken, Location, Part, WorkOrder, WorkOrderLine, Unit, Barcode, Scan, Entry, Sequence,
          WorkOrderMachine, WorkOrderTotals, OutputRecord, ShiftLog, LogNote, Printer, LabelJob, LabelPrint,
          LoginFailure, SecurityEvent, MasterChange, Setting, OutputUnit, Genealogy]
MODELS += [PartGtin, LocationsVersion]
MODELS += [ImportedRow]
MODELS += [PrintJob]
MODELS += [LineSidePlace, WorkOrderLane, LineSideStock, UnitExpiry, StagingTask, TaskSync]
MODELS += [Event]
MODELS += [Webhook, WebhookDelivery]
MODELS += [KanbanCard, Call]
MODELS += [Tool, MaintenancePlan, MaintenanceDone, AndonCall, Screen]
MODELS += [MachineState]
MODELS += [Count, CountTask, CountEntry, CountLine, PartCountClass]
MODELS += [IdempotencyKey]
