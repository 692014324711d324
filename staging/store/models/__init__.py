"""Tables, indexes and constraints. No business rules: those live in staging/domain.

Every schema change here needs a migration in staging/store/migrations/ (see README).
core: the stock (people, places, parts, work orders, units, codes, the ledger); records: what is
kept beside it (logbook, label prints, sign-in and security, master-data changes, settings);
planning: staging tasks and line-side places, output pallets and their genealogy; upkeep: tools,
maintenance, andon calls and wall screens."""
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
from .imports import ImportedRow
from .machines import MACHINE_STATES, MachineState
from .planning import (
    LINE_SIDE_KINDS,
    TASK_STATES,
    Genealogy,
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
    SECURITY_EVENTS,
    LabelJob,
    LabelPrint,
    LoginFailure,
    LogNote,
    MasterChange,
    Printer,
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

MODELS = [User, ApiToken, Location, Part, WorkOrder, WorkOrderLine, Unit, Barcode, Scan, Entry, Sequence,
          WorkOrderMachine, WorkOrderTotals, OutputRecord, ShiftLog, LogNote, Printer, LabelJob, LabelPrint,
          LoginFailure, SecurityEvent, MasterChange, Setting, OutputUnit, Genealogy]
MODELS += [PartGtin, LocationsVersion]
MODELS += [ImportedRow]
MODELS += [LineSidePlace, WorkOrderLane, LineSideStock, UnitExpiry, StagingTask, TaskSync]
MODELS += [Tool, MaintenancePlan, MaintenanceDone, AndonCall, Screen]
MODELS += [MachineState]
