"""The first public pages: the 14 areas, an area, an agency, the health check."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_the_fourteen_areas_with_axis_and_agencies(client, plan):
    response = client.get("/es/")
    assert response.status_code == 200
    page = response.content.decode()
    progress_by_area = page.split('id="stuck-heading"', 1)[1].split("</ul>", 1)[0]
    for number in range(1, 15):
        assert f'href="/es/areas/{number}/"' in progress_by_area
    assert "Cooperación aeroespacial y aeronáutica" in page
    assert "Acción Turística Común" in page
    assert "Gestión integral de riesgo de desastres" in page  # axis 3
    assert 'href="/es/agencies/SEMARNAT/"' in page
    assert '<html lang="es">' in page


def test_home_speaks_the_visitors_language_with_the_plan_s_spanish_original_beside(client, plan):
    response = client.get("/en/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Progress by work area" in page
    assert '<span lang="en">Joint consolidated procurement</span>' in page
    assert '<span class="plan-original" lang="es">Compras consolidadas en común</span>' in page


def test_area_page_shows_objectives_nested_commitments_and_officials(client, plan):
    response = client.get(reverse("public:area", args=[13]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gestión sustentable de los recursos oceánicos" in page
    assert "Celebrar un foro regional sobre economía oceánica sostenible" in page
    # The forum's three working axes are nested under it.
    nested = page.split("Celebrar un foro regional", 1)[1]
    assert nested.index("<ul>") < nested.index("Promoción de las industrias sostenibles")
    assert "Martha Delgado" in page
    assert "SEMARNAT" in page


def test_area_page_for_a_number_outside_the_plan_is_404(client, plan):
    assert client.get("/es/areas/15/").status_code == 404


def test_area_page_runs_a_fixed_number_of_queries(
    client, plan, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = reverse("public:area", args=[6])
    # The first page a process serves reads the plan and its figures; the next ones only
    # check that neither changed. One query reads the area's indicators, one its milestones,
    # one its progress over time.
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_agency_page_lists_its_areas(client, plan):
    response = client.get(reverse("public:agency", args=["SRE"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Secretaría de Relaciones Exteriores" in page
    assert "Agenda AGONU" in page
    assert client.get("/es/agencies/NOPE/").status_code == 404


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
