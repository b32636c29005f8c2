"""One-line text (names, titles, e-mail subjects): what may be in it. PURE: stdlib only.

A line break in a name ends up in a mail header and stops the mail; a bidi
override makes a name read backwards; a lone surrogate cannot be encoded at
all. The forms (app.forms.one_line), the API schemas and the services share
these two functions, so every door refuses the same characters.
"""
import unicodedata

# Bidirectional embeddings, overrides and isolates: they reorder what is shown.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (C0, DEL, C1), lone surrogates, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def has_control_chars(text: str) -> bool:
    """True if ``text`` holds anything that does not belong on one line of text."""
    return any(ch in _BIDI_CONTROLS or unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text)


def clean_line(text: str | None) -> str:
    """``text`` without surrounding whitespace; ValueError if what remains has
    control characters (line breaks, tabs, NUL, bidi overrides, lone surrogates)."""
    cleaned = (text or "").strip()
    if has_control_chars(cleaned):
        raise ValueError("control characters in one-line text")
    return cleaned
