"""The plan's deadlines as iCalendar (RFC 5545), written by the ``icalendar`` library: one
all-day event per commitment with a deadline. An event's UID names the commitment and the
portal, so it is the same in every language and on every request, and a calendar client
updates the event rather than adding a second one."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Event
from icalendar.enums import TRANSP

from . import texts


def uid(commitment, state=None):
    """``commitment-13.1@portal.example.org``; a state's own view of the deadline (with its
    status) is another event: ``commitment-13.1-ar@…``."""
    suffix = f"-{state.iso_code.lower()}" if state is not None else ""
    return f"commitment-{commitment.reference}{suffix}@{texts.host()}"


def build(name, commitments, rollup, state=None):
    """The calendar called ``name`` of ``commitments``' deadlines, in the active language;
    with ``state``, each event says that state's status."""
    calendar = Calendar.new(
        name=name,
        prodid=f"-//CELAC PPT 2020//{texts.host()}//{(get_language() or 'es').upper()}",
        uid=f"calendar-{texts.host()}",
        description=gettext("Deadlines of the commitments of the CELAC PPT 2020 work plan."),
    )
    stamp = timezone.now().replace(microsecond=0)
    for commitment in commitments:
        if commitment.due_date is None:
            continue
        calendar.add_component(_event(commitment, rollup, state, stamp))
    return calendar.to_ical()


def _event(commitment, rollup, state, stamp):
    address = texts.absolute(reverse("public:commitment", args=[commitment.reference]))
    summary = gettext("Deadline of commitment %(reference)s: %(text)s") % {
        "reference": commitment.reference,
        "text": texts.short(commitment.text, 60),
    }
    lines = [commitment.text]
    if commitment.due_label:
        lines.append(gettext("Deadline in the plan: %(label)s") % {"label": commitment.due_label})
    figure = rollup.figure(commitment.id, state.id if state is not None else None)
    if state is not None:
        summary = f"{state.local_name} · {summary}"
        if figure.has_data:
            lines.append(
                gettext("%(state)s: %(status)s, %(percentage)s")
                % {
                    "state": state.local_name,
                    "status": figure.status_label,
                    "percentage": texts.pct(figure.percent),
                }
            )
        else:
            lines.append(gettext("%(state)s has not reported yet.") % {"state": state.local_name})
    # Calendar clients show DESCRIPTION and mostly ignore URL: the link goes in both.
    lines.append(gettext("On the portal: %(url)s") % {"url": address})
    event = Event.new(
        uid=uid(commitment, state),
        stamp=stamp,
        summary=summary,
        description="\n\n".join(lines),
        start=commitment.due_date,
        end=commitment.due_date + datetime.timedelta(days=1),
        url=address,
        transparency=TRANSP.TRANSPARENT,
    )
    return event
