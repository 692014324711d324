"""A new unit's label at once: an output pallet made at its station (issue 17), or the part a split
took off on the handheld (issue 12). The printer is the one that serves the unit's place or a place
it is in (set up at /labels/printers), or the one named like its station. Without one, or when it
does not answer, or for someone who may not print it, the page offers the PDF instead; the unit
exists either way. Whoever made the unit (produced, split off, received) may print its label
(printing.may_print)."""
from ..domain.errors import DomainError
from ..domain.words import Words
from . import labels, printing, printqueue


def print_at_station(user, unit, settings, timeout=printing.DEFAULT_TIMEOUT):
    """Print the unit's label on the printer for where it is: (printer name, "") when printed, else
    (None, what happened in words; "" when no printer serves the place). A printer that cannot print
    now (no paper, paused, off) keeps the label queued and prints it when it can: said so."""
    printer = printing.printer_for(unit.location if unit.location_id else None)
    if printer is None:
        return None, ""
    if not printing.may_print(user, "unit", unit.lpn):
        return None, Words("Only a stager or above prints on {printer}: use the PDF.", printer=printer.name)
    try:
        job = printqueue.print_to(user, printer.name, [labels.one("unit", unit.lpn, settings)], timeout=timeout)
    except DomainError as err:
        return None, Words("{printer}: {problem} Use the PDF.", printer=printer.name, problem=err.words)
    if job.state == "sent":
        return printer.name, ""
    if job.state == "queued":
        why = printqueue.reason(job.printer) or Words("{printer} is busy", printer=printer.name)
        return None, Words("Label queued: {why}. It prints when the printer is ready; the PDF is here now.",
                           why=why)
    return None, Words("{printer}: {problem} Use the PDF.", printer=printer.name, problem=job.error)
