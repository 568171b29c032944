"""Following the plan outside the browser: the deadlines as calendars, the figures as
embeds, and e-mail subscriptions.

The calendars and embeds are public pages (kept, revalidated, compressed: see
``celac_ppt.http``). The subscription pages are private, with CSRF like any form, except
the one-click unsubscribe, which mail clients POST without a token (RFC 8058): the signed
link is what authorizes it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from areas.models import WorkArea
from celac_ppt.http import public_page
from commitments.models import MemberState
from commitments.services import milestones as milestone_service
from commitments.services.current import current
from commitments.services.tables import commitment_page_data, make_row

from . import calendars, subscriptions, targets
from .forms import FrequencyForm, SubscribeForm

# --- calendars -----------------------------------------------------------------------------


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar(request):
    plan, rollup = current()
    name = gettext("CELAC PPT 2020: deadlines and milestones of the work plan")
    body = calendars.build(
        name, "plan", plan.commitments, rollup, milestones=milestone_service.of_plan(plan)
    )
    return _calendar_response(body, "celac-ppt-2020.ics")


def state_calendar(request, iso_code):
    plan, rollup = current()
    state = next((s for s in plan.states if s.iso_code == iso_code), None)
    if state is None:
        state = get_object_or_404(MemberState, iso_code=iso_code)
    name = gettext("CELAC PPT 2020: deadlines, %(state)s") % {"state": state.local_name}
    key = f"state-{state.iso_code.lower()}"
    body = calendars.build(name, key, plan.commitments, rollup, state=state)
    return _calendar_response(body, f"celac-ppt-2020-{iso_code.lower()}.ics")


def area_calendar(request, number):
    plan, rollup = current()
    area = next((a for a in plan.areas if a.number == number), None)
    if area is None:
        area = get_object_or_404(WorkArea, number=number)
    name = gettext("CELAC PPT 2020: deadlines and milestones, work area %(number)s") % {
        "number": number
    }
    commitments = [c for c in plan.commitments if c.area_id == area.id]
    milestones = milestone_service.of_area(plan, area)
    return _calendar_response(
        calendars.build(name, f"area-{number}", commitments, rollup, milestones=milestones),
        f"celac-ppt-2020-area-{number}.ics",
    )


# --- embeds --------------------------------------------------------------------------------

# The portal's policy, except that any site may frame these pages.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def embeddable(view):
    """A public page that other sites may show in an ``<iframe>``: no ``X-Frame-Options``
    and a CSP with ``frame-ancestors *``, on these pages only.

    The headers are set outside :func:`~celac_ppt.http.public_page`, on every response
    including a kept copy and a 304, so the address is not marked as a public page for the
    middleware that answers kept pages early (it would answer without them); the page is
    still kept and revalidated like any other, by ``public_page`` inside.
    """
    wrapped = xframe_options_exempt(csp_override(EMBED_CSP)(public_page(view)))
    wrapped.public_page = False
    return wrapped


@embeddable
def commitment_embed(request, reference):
    commitment, _plan, rollup, _child_ids, _subtree, _current, _states = commitment_page_data(
        reference
    )
    return render(
        request,
        "follow/embed.html",
        {
            "title": gettext("Commitment %(reference)s") % {"reference": commitment.reference},
            "commitment": commitment,
            "fig": make_row(commitment, rollup).figure,
            "scope": "region",
            "page_url": settings.SITE_URL.rstrip("/") + commitment.get_absolute_url(),
        },
    )


@embeddable
def state_embed(request, iso_code):
    plan, rollup = current()
    state = next((s for s in plan.states if s.iso_code == iso_code), None)
    if state is None:
        state = get_object_or_404(MemberState, iso_code=iso_code)
    return render(
        request,
        "follow/embed.html",
        {
            "title": state.local_name,
            "commitment": None,
            "fig": rollup.state_overall(state.id),
            "scope": "state",
            "page_url": settings.SITE_URL.rstrip("/") + state.get_absolute_url(),
        },
    )


# --- subscriptions -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow(request):
    plan, _rollup = current()
    if request.method == "POST":
        form = SubscribeForm(request.POST, plan=plan)
        if form.is_valid():
            subscriptions.subscribe(
                form.cleaned_data["email"],
                form.cleaned_data["what"],
                form.cleaned_data["frequency"],
                get_language() or settings.LANGUAGE_CODE,
            )
            return redirect("follow:sent")
        what = request.POST.get("what")
    else:
        what = request.GET.get("what", targets.PLAN)
        form = SubscribeForm(plan=plan, initial={"what": what})
    # Its feed and calendar, for those who would rather not give an address.
    target = targets.parse(what) or targets.Target(targets.PLAN)
    return render(request, "follow/follow.html", {"form": form, "target": target})


@require_GET
def sent(request):
    return render(request, "follow/sent.html")


def _invalid_link(request):
    return render(request, "follow/invalid_link.html", status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # A GET only shows the button: mail scanners that open links must not confirm.
    subscription = subscriptions.from_confirm_token(token)
    if subscription is None:
        return _invalid_link(request)
    confirmed = subscription.is_confirmed
    if request.method == "POST":
        subscription = subscriptions.confirm(subscription.pk)
        if subscription is None:
            return _invalid_link(request)
        confirmed = True
    return render(
        request,
        "follow/confirm.html",
        {
            "what": targets.of_subscription(subscription).label,
            "confirmed": confirmed,
            "manage_url": reverse(
                "follow:manage",
                args=[subscriptions.token(subscription, subscriptions.MANAGE_SALT)],
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def manage(request, token):
    subscription = subscriptions.from_manage_token(token)
    if subscription is None:
        return _invalid_link(request)
    form = FrequencyForm(initial={"frequency": subscription.frequency})
    saved = False
    if request.method == "POST":
        if "delete_address" in request.POST:
            subscriptions.delete_address(subscription.email)
            return render(request, "follow/deleted.html")
        form = FrequencyForm(request.POST)
        if form.is_valid():
            if not subscriptions.set_frequency(subscription.pk, form.cleaned_data["frequency"]):
                return _invalid_link(request)
            saved = True
    return render(
        request,
        "follow/manage.html",
        {
            "subscription": subscription,
            "what": targets.of_subscription(subscription).label,
            "form": form,
            "saved": saved,
            "unsubscribe_url": reverse("follow:unsubscribe", args=[token]),
        },
    )


@csrf_exempt  # the one-click unsubscribe of RFC 8058: the signed link is the authorization
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if not subscriptions.is_signed(token):
        return _invalid_link(request)
    subscription = subscriptions.from_manage_token(token)
    if request.method == "POST":
        if subscription is not None:
            subscriptions.unsubscribe(subscription.pk)
        # Done, or done before: either way the address no longer follows this.
        return render(request, "follow/unsubscribed.html")
    if subscription is None:
        return render(request, "follow/unsubscribed.html")
    return render(
        request,
        "follow/unsubscribe.html",
        {"what": targets.of_subscription(subscription).label},
    )
