"""URL parts with the shape of the plan's keys, so a malformed address is a 404 at the
router and never reaches a database (PostgreSQL refuses text with NUL bytes, for one)."""

from django.urls import register_converter


class IsoCodeConverter:
    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


class ReferenceConverter:
    """A commitment reference: area, position and sub-positions, e.g. 13.1.2."""

    regex = r"[0-9]{1,3}(?:\.[0-9]{1,3}){0,4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class AcronymConverter:
    """An agency's acronym as the source writes it, e.g. SRE or Protección Civil."""

    regex = r"[\w][\w .\-]{0,39}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IsoCodeConverter, "iso")
register_converter(ReferenceConverter, "ref")
register_converter(AcronymConverter, "acronym")
