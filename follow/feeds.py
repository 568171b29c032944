"""Atom feeds of the published reports: the whole plan, a member state, a commitment, a work
area. Django's syndication framework writes them (valid Atom, dates, escaping), so only what
each feed holds is written here. Only published reports are ever read, in one query however
many reports history holds; commitments and states come from the plan kept in memory."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from areas.models import WorkArea
from commitments.models import Commitment, MemberState, ProgressReport
from commitments.services.current import current
from commitments.services.tables import LATEST_REPORT_FIELDS, with_plan_objects

from . import targets, texts

FEED_ENTRIES = 50


class ReportsFeed(Feed):
    """The latest published reports of the whole plan."""

    feed_type = Atom1Feed
    description_template = "follow/feed_entry.html"

    def get_object(self, request, *args, **kwargs):
        return targets.Target(targets.PLAN)

    def title(self, target):
        return gettext("Published progress reports — %(what)s") % {"what": target.label}

    def subtitle(self, target):
        return gettext("CELAC PPT 2020 work plan: the latest published progress reports.")

    def link(self, target):
        return texts.absolute(target.page_path())

    def feed_url(self, target):
        return texts.absolute(self._feed_path(target))

    def feed_guid(self, target):
        return self.feed_url(target)

    def author_name(self, target):
        return "CELAC PPT 2020"

    def _feed_path(self, target):
        if target.kind == targets.PLAN:
            return reverse("follow:feed")
        return reverse(f"follow:feed-{target.kind}", args=[target.value])

    def items(self, target):
        plan, _rollup = current()
        reports = (
            ProgressReport.objects.published()
            .filter(target.report_filter())
            .only(*LATEST_REPORT_FIELDS)
            .order_by("-published_at", "-id")[:FEED_ENTRIES]
        )
        return with_plan_objects(plan, reports)

    def item_title(self, report):
        return gettext("%(report)s: %(status)s, %(percentage)s") % {
            "report": report.title,
            "status": texts.status(report.status),
            "percentage": texts.pct(report.percentage),
        }

    def item_link(self, report):
        return texts.absolute(reverse("public:report", args=[report.pk]))

    def item_guid(self, report):
        # The report's number, not its address: the same entry in every language's feed.
        return f"tag:{texts.host()},2020:report:{report.pk}"

    def item_guid_is_permalink(self, report):
        return False

    def item_pubdate(self, report):
        return report.published_at

    def item_updateddate(self, report):
        return report.published_at

    def item_categories(self, report):
        return [report.member_state.iso_code, report.commitment.reference]

    def get_context_data(self, **kwargs):
        return {"report": kwargs["item"]}


class StateFeed(ReportsFeed):
    def get_object(self, request, iso_code):
        return targets.Target(targets.STATE, get_object_or_404(MemberState, iso_code=iso_code))


class CommitmentFeed(ReportsFeed):
    def get_object(self, request, reference):
        commitment = get_object_or_404(Commitment, reference=reference)
        return targets.Target(targets.COMMITMENT, commitment)


class AreaFeed(ReportsFeed):
    def get_object(self, request, number):
        return targets.Target(targets.AREA, get_object_or_404(WorkArea, number=number))
