from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from commitments.models import may_review


@login_required
def home(request):
    """Send each role to where its work is: officials to their state's workspace, curators to
    the review queue, other staff to the admin."""
    if getattr(request.user, "official_profile", None) is not None:
        return redirect("workspace:home")
    if may_review(request.user):
        return redirect("workspace:review")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("public:dashboard")
