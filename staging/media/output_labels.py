"""An output pallet's label at once (issue 17). The station's printer is the network printer named
like the output station (a printer named OUT-1 serves station OUT-1: set up at /labels/printers).
Without one, or when it does not answer, or for someone who may not print, the page offers the
PDF instead; the pallet exists either way."""
from ..domain.errors import DomainError
from ..domain.permissions import can
from ..domain.words import Words
from ..store.models import Printer
from . import labels, printing


def print_at_station(user, unit, settings, timeout=printing.DEFAULT_TIMEOUT):
    """Print the unit's label on its station's printer: (printer name, "") when printed, else
    (None, why not as Words; "" when the station has no printer)."""
    station = unit.location.code if unit.location_id else ""
    printer = Printer.get_or_none(Printer.name == station, Printer.active) if station else None
    if printer is None:
        return None, ""
    if not can(user, "print_labels"):
        return None, Words("Only a stager or above prints on {printer}: use the PDF.", printer=printer.name)
    try:
        printing.print_to(user, printer.name, [labels.one("unit", unit.lpn, settings)], timeout=timeout)
    except DomainError as err:
        return None, Words("{printer}: {problem} Use the PDF.", printer=printer.name, problem=err.words)
    return printer.name, ""
