"""Quantities as people type them and as pages show them: shared by every part of the domain."""
import re
from decimal import Decimal

from .errors import Invalid
from .words import Words

MAX_QUANTITY = Decimal("1000000000")
ZERO = Decimal("0")
QUANTITY = Words("Quantity")

# Digits and one decimal point (a comma counts as one), as a person types them. Decimal alone
# would also take "1_000", "1e3" and other scripts' digits, and store what nobody meant.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def parse_quantity(value, *, allow_zero=False, what=QUANTITY):
    """A quantity from a form, the API or a scan: a finite Decimal, >= 0, at most 3 decimals. A person
    types either decimal mark: "2,5" and "2.5" are the same (no thousands separators: 1.000 is one).
    `what` names the field in a refusal (Words, so it is translated with it)."""
    if isinstance(value, bool):
        raise Invalid("{what} must be a number.", what=what)
    if isinstance(value, (int, float, Decimal)):  # from JSON: written out, never as 1e-05
        value = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if not text:
        raise Invalid("{what} is missing.", what=what)
    if not PLAIN_NUMBER.fullmatch(text):
        raise Invalid("{what} must be a number, not “{text}”.", what=what, text=text[:40])
    qty = Decimal(text)
    if qty < 0:
        raise Invalid("{what} cannot be negative.", what=what)
    if qty == 0 and not allow_zero:
        raise Invalid("{what} must be more than zero.", what=what)
    if qty >= MAX_QUANTITY:
        # Not the number itself: 1e23 written out and cut to fit would read as another number.
        raise Invalid("{what} is too large: it must be less than {limit}.", what=what, limit=f"{MAX_QUANTITY:f}")
    if qty != qty.quantize(Decimal("0.001")):
        raise Invalid("{what} can have at most 3 decimals.", what=what)
    return qty


def fmt_qty(qty):
    """12.000 -> '12', 2.500 -> '2.5'."""
    text = f"{qty:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
