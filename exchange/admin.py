"""Import and export buttons on the curators' admin of every table of the plan.

The plan's apps register their admin without knowing about files; this module registers
each of them again with the import/export mixins and the table's resource, so exchange
depends on the plan and never the other way round.
"""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from areas.models import Agency, Objective, Official, ThematicAxis, WorkArea
from commitments.models import Commitment, MemberState, Milestone, ProgressReport

from . import resources
from .imports import CuratorImportExportMixin

RESOURCES = {
    ThematicAxis: resources.ThematicAxisResource,
    Agency: resources.AgencyResource,
    Official: resources.OfficialResource,
    WorkArea: resources.WorkAreaResource,
    Objective: resources.ObjectiveResource,
    Commitment: resources.CommitmentResource,
    MemberState: resources.MemberStateResource,
    Milestone: resources.MilestoneResource,
    ProgressReport: resources.ProgressReportResource,
}


def with_import_export(model, resource):
    base = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            base.__name__,
            (CuratorImportExportMixin, ImportExportModelAdmin, base),
            {"resource_classes": [resource], "__module__": base.__module__},
        ),
    )


for model, resource in RESOURCES.items():
    with_import_export(model, resource)
