"""Printers you can trust: a label sent to a printer is in the print history, and no label is sent
twice by the queue (a second print of a label is a person's reprint, a job of its own)."""
from peewee import JOIN, fn

from ...store.models import LabelPrint, PrintJob

PROMISE = ("every sent print job has one label print row per label, no other job has any, and a job "
           "sent has been on the wire (one request makes one job: a unique index)")

LIMIT = 50  # rows named per kind of breach: enough to find them, not a flood


def broken():
    problems = []
    rows = (PrintJob.select(PrintJob.id, PrintJob.state, PrintJob.kind, PrintJob.codes, PrintJob.attempts,
                            fn.COUNT(LabelPrint.id).alias("prints"))
            .join(LabelPrint, JOIN.LEFT_OUTER, on=(LabelPrint.print_job == PrintJob.id))
            .group_by(PrintJob.id, PrintJob.state, PrintJob.kind, PrintJob.codes, PrintJob.attempts)
            .order_by(PrintJob.id))
    for job in rows:
        labels = len([c for c in job.codes.split("\n") if c]) if job.kind != "test" else 0
        if job.state == "sent" and job.prints != labels:
            problems.append(f"print job {job.id}: sent, {labels} labels but {job.prints} print rows")
        elif job.state != "sent" and job.prints:
            problems.append(f"print job {job.id}: {job.state}, yet {job.prints} print rows")
        if job.state == "sent" and job.attempts < 1:
            problems.append(f"print job {job.id}: sent, but never went on the wire")
        if len(problems) >= LIMIT:
            break
    for row in (LabelPrint.select(LabelPrint.print_job, fn.COUNT(LabelPrint.id)).where(
            LabelPrint.print_job.is_null(False)).group_by(LabelPrint.print_job, LabelPrint.code)
            .having(fn.COUNT(LabelPrint.id) > 1).tuples().limit(LIMIT)):
        problems.append(f"print job {row[0]}: one label recorded {row[1]} times")
    return problems
