"""Babel extraction of a layout's captions (labels/*.toml: text = "Lot {lot}"), so the words printed
on labels are in the catalogs (babel.cfg; tests/test_translations.py) and placement translates them."""
import tomllib

from .placement import CAPTION, PLACEHOLDER


def extract_layout(fileobj, keywords, comment_tags, options):
    """(line, function, message, comments) for every `text = "..."` with words, not only {fields}."""
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("text") or "=" not in stripped:
            continue
        try:
            text = tomllib.loads(stripped).get("text")
        except tomllib.TOMLDecodeError:
            continue
        if isinstance(text, str) and CAPTION.search(PLACEHOLDER.sub("", text)):
            yield number, None, text, []
