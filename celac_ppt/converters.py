"""URL parts with the shape of the plan's keys, so a malformed address is a 404 at the
router and never reaches a database (PostgreSQL refuses text with NUL bytes, for one)."""

from django.urls import register_converter

from areas.validators import ACRONYM
from commitments.validators import ISO_CODE, REFERENCE


class IsoCodeConverter:
    """A member state's code; a lower-case one (typed by hand) finds the state too."""

    regex = ISO_CODE.replace("A-Z", "A-Za-z")

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


class ReferenceConverter:
    """A commitment reference: area, position and sub-positions, e.g. 13.1.2."""

    # The same pattern as the model field's validator: every stored reference has an address.
    regex = REFERENCE

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class AcronymConverter:
    """An agency's acronym as the source writes it, e.g. SRE or Protección Civil."""

    # The same pattern as the model field's validator: every stored acronym has an address.
    regex = ACRONYM

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IsoCodeConverter, "iso")
register_converter(ReferenceConverter, "ref")
register_converter(AcronymConverter, "acronym")
