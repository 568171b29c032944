from django.conf import settings
from django.utils import translation


def languages(request):
    """The page in each language, for the switcher and the ``hreflang`` links.

    Every address under a language prefix exists in all four, so the page in another
    language is the same address with another prefix (query string included). Addresses
    without a prefix lead to the home page in each language.
    """
    path = request.get_full_path()
    current = translation.get_language_from_path(request.path_info)
    rest = path[len(current) + 1 :] if current else "/"
    return {
        "alternates": [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": f"/{code}{rest}",
                "current": code == translation.get_language(),
            }
            for code, _name in settings.LANGUAGES
        ],
        # The address without a language redirects to the reader's own: the x-default.
        "x_default_url": rest,
    }
