"""Supplier labels on the scan page's Receive: reading a pending label back, merging a pallet's
SSCC label with its item label, and what a label says (shown for confirmation)."""
from .. import codes
from ..errors import Invalid
from ..words import Words, part_label


def label_of(text):
    meaning = codes.resolve(text)
    return meaning.obj if meaning.kind == "gs1" else None


def merge_labels(first, second):
    if first is None:
        return second
    for name in ("sscc", "gtin", "lot", "quantity", "uom", "part", "unit"):
        if not getattr(second, name) and getattr(first, name):
            setattr(second, name, getattr(first, name))
    return second


def combined_text(previous, text):
    # Both labels, kept as one parenthesised element string so resolve() reads them as one.
    labels = [label for label in (label_of(t) for t in (previous, text) if t) if label is not None]
    merged = labels[0]
    for label in labels[1:]:
        merged = merge_labels(merged, label)
    parts = []
    if merged.sscc:
        parts.append(f"(00){merged.sscc}")
    if merged.gtin:
        parts.append(f"(01){merged.gtin}")
    if merged.lot:
        parts.append(f"(10){merged.lot}")
    if merged.quantity is not None:
        parts.append(f"(30){int(merged.quantity)}" if merged.uom == "ea" else
                     f"(3103){int(merged.quantity * 1000):06d}")
    return "".join(parts)


def label_part(label):
    if label.part is None:
        raise Invalid("GTIN {gtin} is not one of our parts: ask a lead to add it to the part.", gtin=label.gtin)
    return label.part


def label_facts(label):
    """The values read from a label, as the operator checks them."""
    part = part_label(label.part) if label.part is not None else Words("not one of our parts")
    qty = Words("{qty} {uom}", qty=label.quantity, uom=label.uom) if label.quantity is not None \
        else Words("no quantity")
    return [Words("GTIN {gtin} · {part}", gtin=label.gtin, part=part),
            Words("Lot {lot} · {qty}", lot=label.lot or "—", qty=qty)]
