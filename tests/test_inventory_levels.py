"""The inventory page's levels (staging.domain.inventory.levels) on SQLite and PostgreSQL: counts,
places and fill of what is below a location, at any depth, and the filter by code."""
from staging.domain import inventory
from staging.domain.inventory import levels
from staging.store.models import Location
from tests.plant import loc


def _big_area(plant):
    area = loc("WH2", "storage", holds=False)
    for r in (1, 2):
        rack = loc(f"W-{r:02d}", "storage", area, holds=False)
        for b in range(1, 26):
            loc(f"W-{r:02d}-{b:02d}", "storage", rack, capacity=2)
    for b in (1, 2, 3):
        inventory.move(plant.ctx(), plant.receive(qty="5").lpn, f"W-01-{b:02d}")
    return area


def test_a_level_counts_units_places_and_fill_of_everything_below(plant):
    area = _big_area(plant)
    top = levels.overview()
    by_code = {p.code: p for p in top.places}
    wh2 = by_code["WH2"]
    assert (wh2.units, wh2.places, wh2.below, wh2.capacity, wh2.fill) == (3, 50, 52, 100, 3)
    assert area.id not in top.opened  # too much below it to come open
    assert plant.rack.id in top.opened  # a small rack does, as the page always showed it
    racks = {p.code: p for p in levels.level(area).places}
    assert (racks["W-01"].units, racks["W-01"].fill, racks["W-02"].units) == (3, 6, 0)
    assert by_code["RCV-1"].below == 0


def test_the_counts_follow_a_location_moved_to_another_rack(plant):
    area = _big_area(plant)
    assert {p.code: p.units for p in levels.level(area).places}["W-01"] == 3
    # The tree changes under the cached shape: the next read sees it.
    Location.update(parent=Location.get(Location.code == "W-02")).where(Location.code == "W-01-01").execute()
    counts = {p.code: (p.units, p.places) for p in levels.level(area).places}
    assert counts == {"W-01": (2, 24), "W-02": (1, 26)}


def test_the_filter_finds_codes_at_any_depth_and_wants_two_characters(plant):
    _big_area(plant)
    found = levels.matching("w-01-0")
    assert [p.code for p in found.places] == [f"W-01-0{b}" for b in range(1, 10)] and found.text == "W-01-0"
    assert [p.units for p in found.places][:4] == [1, 1, 1, 0]
    assert levels.matching("W").places == [] and levels.matching("NOTHING").places == []


def test_the_counts_follow_moves_that_leave_every_sum_over_the_locations_unchanged(plant):
    """Bin p goes two racks on, bin q (twice p's id) one rack back: count, ids, sums of id times
    parent, capacity and places are the same before and after. The page must still see the move."""
    area = loc("WH3", "storage", holds=False)
    racks = [loc(f"X-{r}", "storage", area, holds=False) for r in range(3)]
    assert [r.id - racks[0].id for r in racks] == [0, 1, 2]  # a fresh schema numbers them in turn
    bins = {b.id: b for b in (loc(f"X-B{n:02d}", "storage", racks[0], capacity=2) for n in range(60))}
    p = next(b for b in bins.values() if 2 * b.id in bins)
    q = bins[2 * p.id]
    Location.update(parent=racks[1]).where(Location.id == q.id).execute()
    assert {r.code: r.places for r in levels.level(area).places} == {"X-0": 59, "X-1": 1, "X-2": 0}
    Location.update(parent=racks[2]).where(Location.id == p.id).execute()
    Location.update(parent=racks[0]).where(Location.id == q.id).execute()
    assert {r.code: r.places for r in levels.level(area).places} == {"X-0": 59, "X-1": 0, "X-2": 1}


def test_every_write_to_the_locations_changes_their_version_in_its_own_transaction(plant):
    from staging.store.db import db
    from staging.store.models import LocationsVersion

    def stamp():
        return LocationsVersion.get_by_id(1).stamp

    seen = [stamp()]
    area = loc("WH4", "storage", holds=False)
    seen.append(stamp())
    Location.update(capacity=3).where(Location.id == area.id).execute()
    seen.append(stamp())
    area.delete_instance()
    seen.append(stamp())
    assert len(set(seen)) == 4
    with db.atomic() as transaction:
        loc("WH5", "storage", holds=False)
        assert stamp() != seen[-1]
        transaction.rollback()
    assert stamp() == seen[-1]


def test_the_filter_follows_a_renamed_code_and_never_matches_across_two_codes(plant):
    _big_area(plant)
    assert [p.code for p in levels.matching("W-02-25").places] == ["W-02-25"]
    Location.update(code="W-02-99").where(Location.code == "W-02-25").execute()
    assert levels.matching("W-02-25").places == []
    assert [p.code for p in levels.matching("02-99").places] == ["W-02-99"]
    # The codes sit one after another in the search: the end of one and the start of the next is no match.
    assert levels.matching("25W").places == []
    assert levels.matching("W-0", kind="receiving").places == []
    everything = levels.matching("w-0")  # both racks and their 50 bins, in code order
    assert len(everything.places) == 52 and not everything.more and everything.places[0].code == "W-01"


def test_listed_counted_by_id_runs_or_grouped_by_rack_the_counts_are_the_same(plant, monkeypatch):
    """A large plant is counted on runs of location ids, or (ids too scattered) grouped by rack; a
    small one by its listed places. A small plant made to look large shows the same page each way."""
    area = _big_area(plant)
    Location.update(parent=Location.get(Location.code == "W-02")).where(Location.code == "W-01-02").execute()
    inventory.move(plant.ctx(), plant.receive(qty="5").lpn, "W-02-10")

    def page():
        def rows(found):
            return [(p.code, p.units, p.places, p.below, p.capacity, p.held) for p in found.places]
        top = levels.overview()
        return (rows(top), {at: rows(opened) for at, opened in top.opened.items()}, rows(levels.level(area)),
                rows(levels.matching("W-0")))

    listed = page()
    assert {row[0]: row[1:] for row in listed[2]} == {"W-01": (2, 24, 24, 48, 2), "W-02": (2, 26, 26, 52, 2)}
    monkeypatch.setattr(levels, "IN_LIST_LIMIT", 3)
    tops = [p.location.id for p in levels.level(None).places]
    assert levels._count_by_id_ranges(tops, levels._shape()) is not None
    assert page() == listed
    monkeypatch.setattr(levels, "RANGE_LIMIT", 0)
    assert levels._count_by_id_ranges(tops, levels._shape()) is None
    assert page() == listed
