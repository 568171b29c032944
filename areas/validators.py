"""The shape of the plan's own keys that become part of an address.

Each pattern is stated once: the model field's validator (so the admin, forms and imports
refuse a value) and the URL converter (so every stored value has an address) both use it.
"""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# An agency's acronym as the source writes it: letters and digits (accented ones too), words
# separated by single spaces or hyphens, e.g. "SRE", "SEMARNAT", "Protección Civil". No
# slash, dot, underscore or other sign that an address would read as something else.
ACRONYM = r"[^\W_]+(?:[ \-][^\W_]+)*"

validate_acronym = RegexValidator(
    regex=re.compile(rf"\A(?:{ACRONYM})\Z"),
    message=_(
        "An acronym is made of letters and digits, with single spaces or hyphens between "
        "words (e.g. SRE or Protección Civil); no other signs."
    ),
    code="invalid_acronym",
)
