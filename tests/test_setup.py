"""What `make run` does on a fresh database, and the curator account it tells you to create."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import CURATORS_GROUP
from areas.models import WorkArea

pytestmark = pytest.mark.django_db


def test_ensure_plan_loads_the_plan_only_into_an_empty_database(db):
    call_command("ensure_plan")
    assert WorkArea.objects.count() == 14
    WorkArea.objects.filter(number=1).update(name="Editado por una curadora")
    call_command("ensure_plan")
    assert WorkArea.objects.get(number=1).name == "Editado por una curadora"


def test_createcurator_makes_a_staff_user_in_the_curators_group(db, monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", "una-clave-suficientemente-larga")
    call_command("createcurator", "sre-curadora", email="c@example.org")
    user = get_user_model().objects.get(username="sre-curadora")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=CURATORS_GROUP).exists()
    assert user.check_password("una-clave-suficientemente-larga")


def test_createcurator_rejects_a_short_password_and_writes_nothing(db, monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", "corta")
    with pytest.raises(CommandError):
        call_command("createcurator", "sre-curadora")
    assert not get_user_model().objects.filter(username="sre-curadora").exists()
