"""`seed_demo`: demo accounts and reports by hand only, and data at scale for measuring."""

from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import CURATORS_GROUP
from commitments.models import Commitment, CurrentProgress, ProgressReport, ReviewState
from workspace.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def seed(*args):
    call_command("seed_demo", *args, stdout=(out := _Capture()))
    return out.text


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_refuses_when_debug_is_off(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username__in=DEMO_ACCOUNTS).exists()
    assert not ProgressReport.objects.exists()


def test_never_runs_on_its_own(plan):
    # Migrations and loading the plan create no demo account, and `make run` never seeds.
    assert not get_user_model().objects.filter(username__in=DEMO_ACCOUNTS).exists()
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    # It only says how to load them.
    commands = [line for line in run.splitlines() if not line.strip().startswith("@echo")]
    assert "seed_demo" in run
    assert not any("seed_demo" in line for line in commands)


def test_creates_the_documented_accounts_and_prints_their_passwords(plan, debug_on):
    output = seed()
    User = get_user_model()
    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    for username, (iso_code, password) in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert len(password) >= 12
        assert password in output
        assert password in readme
        if iso_code:
            assert user.official_profile.member_state.iso_code == iso_code
        else:
            assert user.is_staff and user.groups.filter(name=CURATORS_GROUP).exists()


def test_creates_a_few_demo_reports_in_every_review_state_once(plan, debug_on):
    seed()
    seed()
    reports = ProgressReport.objects.all()
    assert 3 <= reports.count() <= 10
    assert all(report.is_demo for report in reports)
    assert {report.review_state for report in reports} >= {
        ReviewState.DRAFT,
        ReviewState.SUBMITTED,
        ReviewState.RETURNED,
        ReviewState.PUBLISHED,
    }
    assert CurrentProgress.objects.count() == reports.filter(review_state="published").count()


def test_demo_reports_are_labelled_as_demo_in_the_workspace_and_the_queue(
    plan, debug_on, client_of
):
    seed()
    User = get_user_model()
    with translation.override("en"):
        home, queue = reverse("workspace:home"), reverse("workspace:review")
    official = client_of(User.objects.get(username="oficial-ar-demo"))
    assert "Demo data" in official.get(home).content.decode()
    curator = client_of(User.objects.get(username="curadora-demo"))
    assert "Demo data" in curator.get(queue).content.decode()


def test_reports_option_spreads_published_reports_and_rebuilds_current_progress(plan, debug_on):
    output = seed("--reports", "3000", "--batch-size", "700")
    assert "3000 published demo reports" in output
    bulk = ProgressReport.objects.filter(author__isnull=True)
    assert bulk.count() == 3000
    assert not bulk.exclude(review_state=ReviewState.PUBLISHED).exists()
    assert not bulk.exclude(is_demo=True).exists()
    leaves = set(Commitment.objects.reportable().values_list("pk", flat=True))
    assert set(bulk.values_list("commitment_id", flat=True)) == leaves
    assert bulk.values("member_state").distinct().count() == 33
    assert bulk.values("status").distinct().count() == 4
    assert not bulk.filter(reported_on__gt=timezone.localdate()).exists()
    assert bulk.dates("reported_on", "year").count() >= 5

    # The current progress is each pair's latest published report.
    latest = defaultdict(lambda: None)
    for report in ProgressReport.objects.published().order_by("reported_on", "published_at", "pk"):
        latest[(report.commitment_id, report.member_state_id)] = report.pk
    current = {
        (row.commitment_id, row.member_state_id): row.report_id
        for row in CurrentProgress.objects.all()
    }
    assert current == dict(latest)
