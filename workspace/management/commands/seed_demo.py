"""Demo accounts and demo reports, for trying the portal and for measuring it at scale.

Never run by migrations or `make run`: only by hand, and only with DEBUG on, because it
creates accounts whose passwords are written in the README.
"""

import datetime
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import CURATORS_GROUP, OfficialProfile
from commitments.models import (
    STATUS_PERCENTAGES,
    Commitment,
    MemberState,
    ProgressReport,
    ReviewState,
    Status,
)
from commitments.services import reports as report_service
from indicators.demo import create_demo_indicators
from outbox.models import OutgoingEmail

# username: (member state or None for the curator, password). Documented in the README.
DEMO_ACCOUNTS = {
    "curadora-demo": (None, "Tlatelolco-demo-2020"),
    "oficial-mx-demo": ("MX", "Zocalo-Reforma-2020"),
    "oficial-ar-demo": ("AR", "Obelisco-Palermo-2020"),
}
DEMO_EMAIL_DOMAIN = "demo.invalid"
FIRST_REPORTING_DAY = datetime.date(2020, 1, 1)


def _officials(users):
    return [user for user in users.values() if hasattr(user, "official_profile")]


class Command(BaseCommand):
    help = (
        "Create demo accounts (a curator, officials of México and Argentina), a few demo "
        "reports and demo indicators with values from several states; with --reports N, "
        "also N published demo reports for measuring at scale. "
        "Refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reports",
            type=int,
            default=0,
            metavar="N",
            help="Also create N published demo reports spread over states, commitments, "
            "statuses and dates, then rebuild the current progress.",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2020, help="Random seed.")

    def handle(self, reports, batch_size, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords: it only runs with "
                "DEBUG on (DJANGO_DEBUG=1), never on a production site."
            )
        if reports < 0 or batch_size < 1:
            raise CommandError("--reports must be 0 or more and --batch-size at least 1.")
        leaves = list(Commitment.objects.reportable().order_by("reference_key"))
        states = list(MemberState.objects.order_by("iso_code"))
        if not leaves or not states:
            raise CommandError("The plan is not loaded: run `manage.py ensure_plan` first.")

        users = self._accounts()
        created = self._demo_reports(users)
        if created:
            self.stdout.write(
                f"Demo reports: {created}, one in each review state (demo e-mail addresses "
                "are made up, so no e-mail is sent)."
            )
        else:
            self.stdout.write("Demo reports: already there, left as they were.")
        create_demo_indicators(
            {user.official_profile.member_state.iso_code: user for user in _officials(users)},
            users["curadora-demo"],
        )
        if reports:
            started = time.perf_counter()
            self._bulk_reports(reports, leaves, states, batch_size, random.Random(seed))
            inserted = time.perf_counter() - started
            count = report_service.rebuild_current_progress()
            total = time.perf_counter() - started
            self.stdout.write(
                f"{reports} published demo reports inserted in {inserted:.1f} s; "
                f"{count} current states rebuilt; {total:.1f} s in all."
            )
        self._print_accounts()

    def _accounts(self):
        User = get_user_model()
        curators = Group.objects.get(name=CURATORS_GROUP)
        users = {}
        with transaction.atomic():
            for username, (iso_code, password) in DEMO_ACCOUNTS.items():
                user, _created = User.objects.get_or_create(
                    username=username,
                    defaults={"email": f"{username}@{DEMO_EMAIL_DOMAIN}"},
                )
                user.set_password(password)
                user.is_active = True
                user.is_staff = iso_code is None
                user.save()
                if iso_code is None:
                    user.groups.add(curators)
                else:
                    OfficialProfile.objects.get_or_create(
                        user=user,
                        defaults={"member_state": MemberState.objects.get(iso_code=iso_code)},
                    )
                users[username] = user
        return users

    @transaction.atomic
    def _demo_reports(self, users):
        """A few reports in every review state, written through the workflow so that their
        history reads like real use; returns how many (0: a second run leaves them as they
        are). The workflow's e-mails are dropped before they are sent: they would go to the
        made-up demo addresses (and to CURATORS_EMAIL) about made-up reports."""
        mx, ar = users["oficial-mx-demo"], users["oficial-ar-demo"]
        curator = users["curadora-demo"]
        if ProgressReport.objects.filter(is_demo=True, author__in=[mx, ar]).exists():
            return 0
        today = timezone.localdate()
        last_email = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()

        def draft(user, reference, status, percentage, narrative, days_ago):
            report = ProgressReport(
                commitment=Commitment.objects.get(reference=reference),
                member_state=user.official_profile.member_state,
                status=status,
                percentage=percentage,
                narrative=narrative,
                reported_on=today - datetime.timedelta(days=days_ago),
                is_demo=True,
            )
            return report_service.save_report(report, by=user)

        published = draft(
            mx,
            "1.1",
            Status.IN_PROGRESS,
            60,
            "Demo: se celebraron dos reuniones técnicas y se acordó la hoja de ruta.",
            40,
        )
        report_service.submit(published, by=mx)
        report_service.publish(published, by=curator)

        completed = draft(
            mx,
            "2.1",
            Status.COMPLETED,
            100,
            "Demo: el compromiso se cumplió con la reunión ministerial.",
            20,
        )
        report_service.submit(completed, by=mx)
        report_service.publish(completed, by=curator)

        submitted = draft(
            ar,
            "1.1",
            Status.IN_PROGRESS,
            30,
            "Demo: la propuesta nacional está en consulta interna.",
            10,
        )
        report_service.submit(submitted, by=ar)

        returned = draft(
            ar,
            "4.1",
            Status.NOT_STARTED,
            0,
            "Demo: sin avances que informar.",
            15,
        )
        report_service.submit(returned, by=ar)
        report_service.return_report(
            returned,
            by=curator,
            reason="Demo: indique si hay gestiones en curso y la fecha prevista de inicio.",
        )

        draft(mx, "5.1", Status.IN_PROGRESS, 25, "Demo: borrador en preparación.", 2)
        # Deleted in the transaction that queued them: the worker finds nothing to send.
        OutgoingEmail.objects.filter(pk__gt=last_email or 0, key__startswith="report-").delete()
        return ProgressReport.objects.filter(is_demo=True, author__in=[mx, ar]).count()

    def _bulk_reports(self, count, leaves, states, batch_size, rng):
        """``count`` published reports, each commitment × state pair progressing over time:
        dates spread from 2020 to today, percentages mostly rising, some pairs suspended."""
        pairs = [(leaf.pk, state.pk) for leaf in leaves for state in states]
        per_pair = -(-count // len(pairs))
        today = timezone.localdate()
        span = (today - FIRST_REPORTING_DAY).days
        # Each pair has its own pace: where it ends up and whether it stalls.
        fates = []
        for _pair in pairs:
            target = rng.choice((0, 35, 60, 80, 100, 100, 100))
            suspended = rng.random() < 0.08
            fates.append((target, suspended))
        noon = datetime.time(12, tzinfo=datetime.UTC)
        now = timezone.now()
        batch = []
        with transaction.atomic():
            for index in range(count):
                pair_index = index % len(pairs)
                step = index // len(pairs)
                commitment_id, state_id = pairs[pair_index]
                target, suspended = fates[pair_index]
                progress = (step + 1) / per_pair
                # Each pair's reports follow one another, each somewhere in its own slice
                # of the years since 2020.
                day = FIRST_REPORTING_DAY + datetime.timedelta(
                    days=min(span, int(span * (step + rng.random()) / per_pair))
                )
                percentage = round(target * progress)
                if suspended and progress > 0.5:
                    status = Status.SUSPENDED
                    percentage = min(percentage, 99)
                elif percentage == 0:
                    status = Status.NOT_STARTED
                elif percentage >= 100:
                    status, percentage = Status.COMPLETED, 100
                else:
                    status = Status.IN_PROGRESS
                    low, high, _default = STATUS_PERCENTAGES[status]
                    percentage = max(low, min(high, percentage))
                published_at = min(
                    now,
                    datetime.datetime.combine(day, noon)
                    + datetime.timedelta(days=rng.randrange(1, 15)),
                )
                batch.append(
                    ProgressReport(
                        commitment_id=commitment_id,
                        member_state_id=state_id,
                        status=status,
                        percentage=percentage,
                        narrative="Demo: informe generado para medir el portal.",
                        reported_on=day,
                        review_state=ReviewState.PUBLISHED,
                        submitted_at=published_at,
                        published_at=published_at,
                        is_demo=True,
                    )
                )
                if len(batch) >= batch_size:
                    ProgressReport.objects.bulk_create(batch, batch_size=batch_size)
                    batch = []
            if batch:
                ProgressReport.objects.bulk_create(batch, batch_size=batch_size)

    def _print_accounts(self):
        self.stdout.write(self.style.SUCCESS("Demo accounts (log in at /accounts/login/):"))
        for username, (iso_code, password) in DEMO_ACCOUNTS.items():
            role = f"official of {iso_code}" if iso_code else "curator"
            self.stdout.write(f"  {username:<18} {password:<24} {role}")
