"""URL converters: ``<int:…>`` in every rule takes only ids the database can hold, so a
20-digit number in a URL is the same 404 as a missing row, never a 500."""
from werkzeug.routing import IntegerConverter

from app.validation import MAX_INT


class IdConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max,
                         signed=signed)


class NumberConverter(IntegerConverter):
    """``<number:…>``: digits of any length, for rules that share a path with other methods. A
    bounded converter that refuses a value makes werkzeug answer 405 for the rule's sibling
    methods instead of 404; the view bounds these ids itself (a too-large one is a 404)."""


def init_app(app) -> None:
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["number"] = NumberConverter
