"""Interface strings of Django's admin and forms that Django's own Spanish and Portuguese
catalogs leave untranslated ("Run" on the admin's action bar, "- Select an option -" in a
choice, …), so that a curator's admin reads in one language.

They are marked here only so that ``makemessages`` extracts them into the portal's
catalogs (``locale/``), which Django reads before its own (``LOCALE_PATHS``); nothing
imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = (
    gettext_noop("Run"),
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Logout"),
    gettext_noop("No %s matches the given query."),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop('The app "%s" could not be found.'),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
)
