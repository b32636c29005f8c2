"""marshmallow fields and a base schema for the API's input, speaking the user's language.

marshmallow's own messages are English constants; these classes give every
error a message through flask_babel, so a Ukrainian script author reads
Ukrainian field errors. Output schemas use plain marshmallow fields.
"""
from marshmallow import Schema, fields, validate

from app import validation
from app.i18n import lazy_gettext as _l

_COMMON = {
    "required": _l("This field is required."),
    "null": _l("This field may not be null."),
    "validator_failed": _l("Invalid value."),
}


class Str(fields.String):
    """Text that can be stored: no NUL, no control character but tab and line breaks, no lone surrogate."""

    default_error_messages = {**_COMMON, "invalid": _l("Not a valid string."),
                              "invalid_utf8": _l("Not a valid UTF-8 string."),
                              "unstorable": _l("This text holds characters that cannot be stored (control characters).")}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not validation.text_ok(text):
            raise self.make_error("unstorable")
        return text


class Int(fields.Integer):
    """An integer an INTEGER column can hold (signed 32 bits on PostgreSQL)."""

    default_error_messages = {**_COMMON, "invalid": _l("Not a valid integer."), "too_large": _l("Number too large.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)  # JSON has numbers: "3" or 3.5 is a mistake, not a 3
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if validation.int_or_none(number) is None:
            raise self.make_error("too_large")
        return number


class FormInt(Int):
    """An integer from a query string or a form, where every value is text."""

    def __init__(self, **kwargs):
        super().__init__(strict=False, **kwargs)


class Bool(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": _l("Not a valid boolean.")}


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": _l("Not a valid list.")}


class Date(fields.Date):
    default_error_messages = {**_COMMON, "invalid": _l("Not a valid date (YYYY-MM-DD)."),
                              "out_of_range": _l("Give a date between the years 1900 and 2200.")}

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not validation.date_ok(day):
            raise self.make_error("out_of_range")
        return day


class AwareDateTime(fields.AwareDateTime):
    """A moment with its time zone, within the years anyone means."""

    default_error_messages = {**_COMMON, "invalid": _l("Not a valid date and time (ISO 8601)."),
                              "invalid_awareness": _l("Give the time zone, e.g. 2030-06-02T02:00:00+03:00."),
                              "out_of_range": _l("Give a date between the years 1900 and 2200.")}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not validation.moment_ok(moment):
            raise self.make_error("out_of_range")
        return moment


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error=_l("Must be one of: {choices}."))


def length(maximum: int) -> validate.Length:
    return validate.Length(max=maximum, error=_l("At most {max} characters."))


def at_least(minimum: int, maximum: int) -> validate.Range:
    return validate.Range(min=minimum, max=maximum, error=_l("Must be between {min} and {max}."))


class InputSchema(Schema):
    """What a caller sends: unknown fields are refused (422), by name."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Invalid input type: send a JSON object.")}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": _l("Not a valid object.")}
