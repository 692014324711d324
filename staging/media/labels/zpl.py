"""ZPL for Zebra printers: one format per label, drawn from the placed elements' own ZPL."""
from ...domain.errors import Invalid
from .content import DPIS
from .placement import place


def _zpl_label(p):
    return (f"^XA\n^CI28\n^PW{p.width}\n^LL{p.height}\n^LH0,0\n"
            + "".join(it.zpl + "\n" for it in p.items) + "^PQ1\n^XZ\n")


def zpl(labels, size, dpi=203, progress=None):
    """One ZPL format (^XA ... ^XZ) per label."""
    if dpi not in DPIS:
        raise Invalid("ZPL is made for {dpis} dpi printers.", dpis=' or '.join(map(str, DPIS)))
    out = []
    for i, label in enumerate(labels, 1):
        out.append(_zpl_label(place(label, size, dpi)))
        if progress:
            progress(i)
    return "".join(out).encode("utf-8")
