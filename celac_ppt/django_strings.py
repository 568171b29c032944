"""Interface strings of Django's admin and forms that Django's own Spanish and Portuguese
catalogs leave untranslated ("Run" on the admin's action bar, "- Select an option -" in a
choice, …), so that a curator's admin reads in one language; and the names of the months,
which Django's Portuguese catalog capitalises ("3 de Dezembro de 2026") where Portuguese
writes them in lower case ("3 de dezembro de 2026", as in Brazil and Portugal since 1990).

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
    # django.utils.dates.MONTHS, as the dates' "F" writes them.
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
