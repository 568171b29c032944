"""Open-data downloads: cells that are safe to open in a spreadsheet."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return ``value`` so that no spreadsheet runs it as a formula.

    Text starting with a character a spreadsheet reads as the start of a formula gets a
    leading apostrophe, which spreadsheets show as plain text. Other values pass unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
