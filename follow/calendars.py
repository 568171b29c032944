"""The plan's deadlines and milestones as iCalendar (RFC 5545), written by the ``icalendar``
library: one all-day event per commitment with a deadline, and one per milestone with a
date (the day it was held, else its planned period). An event's UID names the commitment or
milestone and the portal, so it is the same in every language and on every request, and a
calendar client updates the event rather than adding a second one."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from icalendar import Calendar, Event
from icalendar.enums import STATUS, TRANSP

from commitments.models import DataVersion, MilestoneStatus

from . import texts


def uid(commitment, state=None):
    """``commitment-13.1@portal.example.org``; a state's own view of the deadline (with its
    status) is another event: ``commitment-13.1-ar@…``."""
    suffix = f"-{state.iso_code.lower()}" if state is not None else ""
    return f"commitment-{commitment.reference}{suffix}@{texts.host()}"


# A milestone's status as a calendar's event says it: planned and postponed events may still
# move; a held one happened; a cancelled one will not.
EVENT_STATUS = {
    MilestoneStatus.PLANNED: STATUS.TENTATIVE,
    MilestoneStatus.POSTPONED: STATUS.TENTATIVE,
    MilestoneStatus.HELD: STATUS.CONFIRMED,
    MilestoneStatus.CANCELLED: STATUS.CANCELLED,
}


def milestone_uid(milestone):
    """``milestone-12@portal.example.org``: its number, which no edit changes."""
    return f"milestone-{milestone.pk}@{texts.host()}"


def calendar_uid(key):
    """``calendar-plan@portal.example.org`` (``calendar-state-ar@…``, ``calendar-area-3@…``):
    each calendar's own, the same in every language (RFC 7986)."""
    return f"calendar-{key}@{texts.host()}"


def build(name, key, commitments, rollup, state=None, milestones=()):
    """The calendar called ``name`` (``key`` names it in its UID) of ``commitments``'
    deadlines and ``milestones``, in the active language; with ``state``, each deadline says
    that state's status. Every event is stamped with the time the public data last changed,
    so the same data versions give the same bytes, as the calendar's ETag says."""
    calendar = Calendar.new(
        name=name,
        prodid=f"-//CELAC PPT 2020//{texts.host()}//{(get_language() or 'es').upper()}",
        uid=calendar_uid(key),
        description=gettext(
            "Deadlines and milestones of the commitments of the CELAC PPT 2020 work plan."
        )
        if milestones
        else gettext("Deadlines of the commitments of the CELAC PPT 2020 work plan."),
    )
    stamp = (DataVersion.last_changed() or timezone.now()).replace(microsecond=0)
    for commitment in commitments:
        if commitment.due_date is None:
            continue
        calendar.add_component(_event(commitment, rollup, state, stamp))
    for milestone in milestones:
        if milestone.starts is None:
            continue  # the plan gives no date, and none was recorded
        calendar.add_component(_milestone_event(milestone, stamp))
    return calendar.to_ical()


def _milestone_event(milestone, stamp):
    commitment = milestone.commitment
    address = texts.absolute(reverse("public:commitment", args=[commitment.reference]))
    lines = [
        gettext("Milestone of commitment %(reference)s: %(text)s")
        % {"reference": commitment.reference, "text": commitment.text},
        gettext("Status: %(status)s") % {"status": milestone.get_status_display()},
    ]
    if milestone.planned_text:
        lines.append(gettext("Planned: %(label)s") % {"label": milestone.planned_text})
    if milestone.note:
        lines.append(milestone.note)
    lines.append(gettext("On the portal: %(url)s") % {"url": address})
    event = Event.new(
        uid=milestone_uid(milestone),
        stamp=stamp,
        summary=milestone.title,
        description="\n\n".join(lines),
        start=milestone.starts,
        end=milestone.ends + datetime.timedelta(days=1),
        url=address,
        location=milestone.place or None,
        status=EVENT_STATUS[milestone.status],
        last_modified=milestone.updated_at,
        transparency=TRANSP.TRANSPARENT,
    )
    return event


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
