"""The monthly progress history: the plan's figure as of the end of each month.

The pages' charts and this endpoint read the same snapshots
(``commitments.services.history``): one definition, one query, as many rows as months
whatever the number of reports.
"""

from commitments.models import Scope
from commitments.services.history import monthly_series


def monthly_history():
    """[{month, mean_percentage, states_reported, states_total, commitments_reported,
    commitments_total, pairs_reported, pairs_total}], oldest month first, every month from
    the first with a published report up to the current one."""
    return [
        {
            "month": figure.month.strftime("%Y-%m"),
            "mean_percentage": figure.mean_1dp,
            "states_reported": figure.states_reported,
            "states_total": figure.states_total,
            "commitments_reported": figure.parts_reported,
            "commitments_total": figure.parts_total,
            "pairs_reported": figure.pairs_reported,
            "pairs_total": figure.pairs_total,
        }
        for figure in monthly_series(Scope.PLAN)
    ]
