"""The monthly progress history, derived from the published reports.

One aggregate query over the published reports, grouped by the month of publication: as
many rows as months, whatever the number of reports.
"""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from commitments.models import ProgressReport


def monthly_history():
    """[{month, reports_published, reports_to_date, states_reporting, commitments_reported,
    mean_percentage, mean_percentage_to_date}], oldest month first."""
    months = (
        ProgressReport.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(
            reports=Count("id"),
            total=Sum("percentage"),
            states=Count("member_state", distinct=True),
            commitments=Count("commitment", distinct=True),
        )
        .order_by("month")
    )
    history = []
    reports_to_date = total_to_date = 0
    for month in months:
        reports_to_date += month["reports"]
        total_to_date += month["total"]
        history.append(
            {
                "month": month["month"].strftime("%Y-%m"),
                "reports_published": month["reports"],
                "reports_to_date": reports_to_date,
                "states_reporting": month["states"],
                "commitments_reported": month["commitments"],
                "mean_percentage": round(month["total"] / month["reports"], 1),
                "mean_percentage_to_date": round(total_to_date / reports_to_date, 1),
            }
        )
    return history
