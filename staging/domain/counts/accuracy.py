"""Inventory record accuracy: the share of counted pallets whose first count found no difference
beyond the plant's tolerance, per area (the top of a location's tree) and week; and the places
never counted, and those counted longest ago, at a glance."""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from ...store.models import CountLine, CountTask, Location
from .plans import COUNTABLE


@dataclass
class Week:
    area: str
    week: str  # ISO week: 2026-W49
    pallets: int
    right: int

    @property
    def percent(self):
        return round(100 * self.right / self.pallets, 1) if self.pallets else None


def _areas():
    """location id -> the code of the top of its tree."""
    parent = dict(Location.select(Location.id, Location.parent).tuples())
    code = dict(Location.select(Location.id, Location.code).tuples())
    top = {}
    for lid in parent:
        seen, walk = set(), lid
        while parent.get(walk) and walk not in seen:
            seen.add(walk)
            walk = parent[walk]
        top[lid] = code[walk]
    return top


def by_area_and_week(since=None):
    """[Week], newest week first, then by area. Pallets moved during their count are not counted."""
    query = (CountLine.select(CountTask.location, CountLine.at, CountLine.within).join(CountTask)
             .where(CountLine.counted.is_null(False)))
    if since is not None:
        query = query.where(CountLine.at >= since)
    areas = _areas()
    tally = defaultdict(lambda: [0, 0])
    for location, at, within in query.tuples():
        year, week, _ = at.isocalendar()
        key = (f"{year}-W{week:02d}", areas.get(location, "?"))
        tally[key][0] += 1
        tally[key][1] += 1 if within else 0
    return [Week(area, week, n, right) for (week, area), (n, right) in
            sorted(tally.items(), key=lambda item: (item[0][0], item[0][1]), reverse=True)]


def coverage(limit=10):
    """(never counted: (how many, the first codes), oldest: [(code, when last counted)])."""
    last = fn.MAX(CountTask.done_at)
    counted = dict(CountTask.select(CountTask.location, last).where(CountTask.done_at.is_null(False))
                   .group_by(CountTask.location).tuples())
    places = list(Location.select(Location.id, Location.code).where(
        Location.holds_units, Location.active, Location.kind.in_(COUNTABLE)).order_by(Location.sort_key,
                                                                                       Location.code).tuples())
    never = [code for lid, code in places if lid not in counted]
    codes = dict(places)
    oldest = sorted(((when, codes[lid]) for lid, when in counted.items() if lid in codes))[:limit]
    return (len(never), never[:limit]), [(code, when) for when, code in oldest]


def export_rows(since=None):
    """The accuracy as rows for a CSV or XLSX export."""
    header = ["week", "area", "pallets counted", "within tolerance", "accuracy %"]
    return header, [[w.week, w.area, w.pallets, w.right, w.percent] for w in by_area_and_week(since)]


def weeks_back(now, weeks=13):
    return now - datetime.timedelta(weeks=weeks)
