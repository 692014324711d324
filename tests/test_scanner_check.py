"""The scanner check's diagnosis: each set-up fault of a keyboard wedge, named in plain words."""
import pytest

from staging.domain.scan.scanner_check import EXPECTED, GS, diagnose


def problems(text, suffix="Enter"):
    return [f.problem for f in diagnose(text, suffix)]


def test_a_scanner_set_up_right_has_no_findings():
    assert problems(EXPECTED) == [] and problems("]C1" + EXPECTED, "Tab") == []


@pytest.mark.parametrize("text, suffix, expected", [
    (EXPECTED, "none", ["No suffix after the scan"]),
    (EXPECTED.replace(GS, ""), "Enter", ["The GS separator is dropped"]),
    (EXPECTED.replace(GS, "|"), "Enter", ["The GS separator arrives as “|”"]),
    # GS typed as its name is one setting, not six symbols swapped by a keyboard layout
    (EXPECTED.replace(GS, "<GS>"), "Enter", ["The GS separator arrives as the text “<GS>”"]),
    (EXPECTED.replace(GS, "[gs]"), "Tab", ["The GS separator arrives as the text “[gs]”"]),
    (EXPECTED.replace(GS, "^]"), "Enter", ["The GS separator arrives as the text “^]”"]),
    ("A:" + EXPECTED, "Enter", ["A prefix “A:” before every scan"]),
    (EXPECTED.replace("yZ", "zY"), "Enter", ["y and z are swapped"]),
    (EXPECTED.replace("yZ", "Yz").replace("Ab", "aB"), "Enter", ["Letters arrive in the wrong case"]),
    (EXPECTED.replace("-7/", "ß7-"), "Enter", ["Symbols come out wrong: “-” arrives as “ß”, “/” arrives as “-”"]),
    ("".join(ch * 2 for ch in EXPECTED), "Enter", ["Characters are repeated"]),
    (EXPECTED.replace("7/q", "77/q"), "Enter", ["Characters are repeated"]),
    (EXPECTED + "\r", "Enter", ["“<0D>” added after every scan"]),
    ("P000123", "Enter", ["This is not the test barcode"]),
    ("X" + EXPECTED.replace(GS, "").replace("yZ", "zY"), "none",
     ["No suffix after the scan", "A prefix “X” before every scan", "The GS separator is dropped",
      "y and z are swapped"]),
])
def test_each_fault_is_named(text, suffix, expected):
    assert problems(text, suffix) == expected
