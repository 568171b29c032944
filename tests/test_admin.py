"""SRE curators curate the plan in the admin with exactly the permissions they need."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import CURATORS_GROUP
from areas.models import WorkArea

pytestmark = pytest.mark.django_db


def test_curator_group_is_created_by_migrations_with_plan_permissions(db):
    group = Group.objects.get(name=CURATORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_workarea", "add_commitment", "review_progressreport"} <= codenames
    # Curators review reports; they never delete them or the member states.
    assert "delete_progressreport" not in codenames
    assert "delete_memberstate" not in codenames


def test_curator_sees_the_fourteen_areas_in_the_admin(client_of, curator):
    response = client_of(curator).get(reverse("admin:areas_workarea_changelist"))
    assert response.status_code == 200
    assert (
        "14 áreas de trabajo" in response.content.decode()
        or response.context["cl"].result_count == 14
    )


def test_curator_edits_an_area_name(client_of, curator):
    client = client_of(curator)
    area = WorkArea.objects.get(number=12)
    url = reverse("admin:areas_workarea_change", args=[area.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # Objectives and commitments sit inline under their area.
    assert "Trabajar en posiciones conjuntas" in page
    assert "Fortalecer la posición y unidad de la región" in page


def test_official_cannot_open_the_admin(client_of, official_mx):
    response = client_of(official_mx).get(reverse("admin:areas_workarea_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "areas_workarea",
        "areas_objective",
        "areas_agency",
        "areas_official",
        "commitments_commitment",
        "commitments_progressreport",
        "commitments_memberstate",
    ],
)
def test_admin_changelists_run_a_bounded_number_of_queries(
    client_of, curator, name, django_assert_max_num_queries
):
    client = client_of(curator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


# Django's own admin and form strings that its Spanish and Portuguese catalogs leave
# untranslated; the portal's catalogs carry them (celac_ppt/django_strings.py).
DJANGO_GAPS = {
    "es": ("Ejecutar", "- Seleccione una opción -"),
    "pt": ("Executar", "- Selecione uma opção -"),
    "fr": ("Exécuter", "- Choisir une option -"),
}


@pytest.mark.parametrize("language", sorted(DJANGO_GAPS))
def test_the_curators_admin_leaves_none_of_djangos_strings_in_english(
    client, curator, official_ar, language
):
    client.force_login(curator)
    pages = [
        client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for url in (
            "/admin/accounts/officialaccount/",  # an action bar: its button
            "/admin/accounts/officialaccount/add/",  # a choice of member state: its blank
            "/admin/commitments/progressreport/",  # filters and pagination: their labels
        )
    ]
    run, blank = DJANGO_GAPS[language]
    assert f">{run}</button>" in pages[0]
    assert blank in pages[1]
    for page in pages:
        for english in (">Run</button>", "- Select an option -", "Filter by ", "Pagination "):
            if english in page and not (language == "fr" and english == "Pagination "):
                pytest.fail(f"{language}: {english!r} is left in English")
