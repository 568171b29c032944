"""How texts are compared when searched: accents and case aside."""

import unicodedata


def fold(text):
    """``text`` lower-cased and without accents ("Oceánica" → "oceanica"): what both a query
    and the texts it searches are compared as."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
