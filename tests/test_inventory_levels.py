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
