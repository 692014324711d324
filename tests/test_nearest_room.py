"""A full place suggests the nearest place with room (inventory.whereabouts.nearest_with_room), on
SQLite and PostgreSQL."""
import pytest

from staging.domain.errors import Invalid
from staging.domain.inventory import move, whereabouts

from .plant import loc


def test_the_next_place_along_under_the_same_parent_first(plant):
    plant.bin2.capacity = 1
    plant.bin2.save()
    later = loc("A-01-4", "storage", plant.rack, capacity=2)
    loc("B-01-1", "storage")  # elsewhere: only when the rack is full
    move(plant.ctx("lead"), plant.receive().lpn, "A-01-2")
    assert whereabouts.nearest_with_room(plant.bin2) == later  # A-01-3 is closed
    for _ in range(2):
        move(plant.ctx("lead"), plant.receive().lpn, "A-01-4")
    assert whereabouts.nearest_with_room(plant.bin2) == plant.bin1  # the one before
    plant.bin1.capacity = 0
    plant.bin1.save()
    assert whereabouts.nearest_with_room(plant.bin2).code == "B-01-1"  # then anywhere
    with pytest.raises(Invalid, match=r"A-01-2 is full \(1 of 1\)\. B-01-1 has room\."):
        move(plant.ctx("lead"), plant.receive().lpn, "A-01-2")


def test_none_when_every_place_of_the_kind_is_full(plant):
    plant.lane.capacity = 1
    plant.lane.save()
    move(plant.ctx("lead"), plant.receive().lpn, "LANE-1")
    assert whereabouts.nearest_with_room(plant.lane) is None
    with pytest.raises(Invalid, match=r"LANE-1 is full \(1 of 1\)\.$"):
        move(plant.ctx("lead"), plant.receive().lpn, "LANE-1")
