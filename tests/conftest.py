"""The portal's actors, built by hand: anonymous, officials of México and Argentina, a curator."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends
from django.utils.connection import Local

from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP, OfficialProfile
from commitments.models import MemberState

# Playwright's sync API runs an event loop in the test thread; the ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "una-clave-de-prueba-larga"


@pytest.fixture(autouse=True)
def _spanish_outside_requests():
    """Each test starts in the default language, as a command or a task does: a request made
    by an earlier test leaves its language active in the thread, and a plan text's field
    reads the active language's version."""
    from django.utils import translation

    translation.activate("es")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache and reads the plan afresh: a page cached, or a
    plan kept, by one test is not another's."""
    from django.core.cache import cache

    from commitments.services import current

    cache.clear()
    current.forget()


@receiver(setting_changed)
def _forget_task_backends(setting, **kwargs):
    # Django keeps each task backend once made; a test that changes TASKS gets new ones.
    if setting == "TASKS":
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


def use_tasks(settings, backend):
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default", "email"]}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run as soon as they are queued, inside the request or the test that queues
    them; the tests of the worker itself use ``db_tasks``."""
    use_tasks(settings, "django.tasks.backends.immediate.ImmediateBackend")


@pytest.fixture
def db_tasks(settings):
    """Tasks queued in the database, as in production, for ``run_worker`` to run."""
    use_tasks(settings, "django_tasks_db.DatabaseBackend")


@pytest.fixture
def plan(db):
    """The PPT 2020 plan, its translations and the 33 member states, as `make run` loads them."""
    call_command("ensure_plan", verbosity=0)


def make_official(iso_code, username):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    OfficialProfile.objects.create(
        user=user, member_state=MemberState.objects.get(iso_code=iso_code)
    )
    return user


@pytest.fixture
def official_mx(plan):
    return make_official("MX", "oficial-mx")


@pytest.fixture
def official_ar(plan):
    return make_official("AR", "oficial-ar")


def make_curator():
    user = get_user_model().objects.create_user(
        username="curadora", email="curadora@example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user


@pytest.fixture
def curator(plan):
    return make_curator()


@pytest.fixture
def live_people(live_plan):
    """The official of Argentina and a curator, for the browser tests' live server."""
    return make_official("AR", "oficial-ar"), make_curator()


@pytest.fixture
def client_of(client):
    """`client_of(user)`: a test client logged in as that user (None: anonymous)."""

    def _client_of(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client_of


# Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def live_plan(live_server, transactional_db):
    """The plan loaded into the live server's database."""
    call_command("ensure_plan", verbosity=0)
    return live_server
