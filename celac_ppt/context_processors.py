from django.conf import settings
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri

# Open Graph names a language with a territory (among those the sharing sites know): the
# Spanish of Mexico, which held the presidency, and the Portuguese of Brazil.
OG_LOCALES = {"es": "es_MX", "en": "en_US", "pt": "pt_BR", "fr": "fr_FR"}


def languages(request):
    """The page in each language, for the switcher and the ``hreflang`` links.

    Every address under a language prefix exists in all four, so the page in another
    language is the same address with another prefix (query string included). Addresses
    without a prefix lead to the home page in each language.
    """
    current = translation.get_language_from_path(request.path_info)
    rest = "/"
    if current:
        rest = escape_uri_path(request.path_info[len(current) + 1 :])
        if query := request.META.get("QUERY_STRING"):
            rest += "?" + iri_to_uri(query)
    # Search engines want the alternates as absolute addresses: the portal's public one.
    site = settings.SITE_URL.rstrip("/")
    return {
        "alternates": [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": f"/{code}{rest}",
                "absolute_url": f"{site}/{code}{rest}",
                "og_locale": OG_LOCALES.get(code, code),
                "current": code == translation.get_language(),
            }
            for code, _name in settings.LANGUAGES
        ],
        # The address without a language redirects to the reader's own: the x-default.
        "x_default_url": rest,
        "x_default_absolute_url": f"{site}{rest}",
    }
