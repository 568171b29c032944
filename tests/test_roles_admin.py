"""Roles that cannot grow: a curator manages officials' accounts and nothing else.

Every admin address of users, groups and permissions is walked as a curator and as an
official, against a superuser, the curator's own account, another curator's and an
official's: only the officials' accounts admin answers the curator, and only for officials.
"""

import pytest
from conftest import PASSWORD
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reporting_helpers import make_report

from accounts.admin import OfficialAccountAdmin
from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP, OfficialAccount, OfficialProfile
from commitments.models import MemberState, ProgressReport, ReviewState

pytestmark = pytest.mark.django_db

User = get_user_model()
NOT_THERE = "not there"  # 403 or 404: the page does not answer
LOGIN = "login"  # redirected to the admin's log-in page


@pytest.fixture
def superuser(plan):
    return User.objects.create_superuser("raiz", "raiz@example.org", PASSWORD)


@pytest.fixture
def other_curator(plan):
    user = User.objects.create_user("otro-curador", "otro@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user


@pytest.fixture
def targets(superuser, curator, other_curator, official_mx):
    return {
        "superuser": superuser,
        "curator": curator,
        "other_curator": other_curator,
        "official": official_mx,
    }


def user_urls(pk):
    return {
        "user changelist": reverse("admin:auth_user_changelist"),
        "user add": reverse("admin:auth_user_add"),
        "user change": reverse("admin:auth_user_change", args=[pk]),
        "user delete": reverse("admin:auth_user_delete", args=[pk]),
        "user history": reverse("admin:auth_user_history", args=[pk]),
        "user password": reverse("admin:auth_user_password_change", args=[pk]),
        "group changelist": reverse("admin:auth_group_changelist"),
        "group add": reverse("admin:auth_group_add"),
        "permission changelist": "/admin/auth/permission/",
        "permission change": f"/admin/auth/permission/{Permission.objects.first().pk}/change/",
        "autocomplete users": "/admin/autocomplete/?app_label=accounts"
        "&model_name=officialprofile&field_name=user&term=a",
        "autocomplete groups": "/admin/autocomplete/?app_label=auth&model_name=user"
        "&field_name=groups&term=a",
        "autocomplete permissions": "/admin/autocomplete/?app_label=auth&model_name=group"
        "&field_name=permissions&term=a",
        "official history": reverse("admin:accounts_officialaccount_history", args=[pk]),
        "official change": reverse("admin:accounts_officialaccount_change", args=[pk]),
        "official delete": reverse("admin:accounts_officialaccount_delete", args=[pk]),
        "official password": f"/admin/accounts/officialaccount/{pk}/password/",
        "profile changelist": reverse("admin:accounts_officialprofile_changelist"),
    }


def group_urls(group):
    return {
        "group change": reverse("admin:auth_group_change", args=[group.pk]),
        "group delete": reverse("admin:auth_group_delete", args=[group.pk]),
        "group history": reverse("admin:auth_group_history", args=[group.pk]),
    }


def outcome(client, url):
    response = client.get(url, follow=True)
    if any("/admin/login/" in location for location, _status in response.redirect_chain):
        return LOGIN
    if response.status_code in (403, 404):
        return NOT_THERE
    return response.status_code


def expected_for_curator(name, target):
    if name == "official delete":
        return NOT_THERE  # accounts are deactivated, never deleted
    if name in ("official change", "official history") and target == "official":
        return 200
    return NOT_THERE


@pytest.mark.parametrize("target", ["superuser", "curator", "other_curator", "official"])
def test_a_curator_reaches_no_user_group_or_permission_page_but_officials(
    client_of, curator, targets, target
):
    client = client_of(curator)
    urls = {
        **user_urls(targets[target].pk),
        **group_urls(Group.objects.get(name=CURATORS_GROUP)),
    }
    actual = {name: outcome(client, url) for name, url in urls.items()}
    assert actual == {name: expected_for_curator(name, target) for name in urls}


@pytest.mark.parametrize("target", ["superuser", "curator", "other_curator", "official"])
def test_an_official_reaches_no_admin_page_at_all(client_of, official_ar, targets, target):
    client = client_of(official_ar)
    urls = {
        **user_urls(targets[target].pk),
        **group_urls(Group.objects.get(name=OFFICIALS_GROUP)),
        "index": reverse("admin:index"),
        "officials": reverse("admin:accounts_officialaccount_changelist"),
        "official add": reverse("admin:accounts_officialaccount_add"),
    }
    actual = {name: outcome(client, url) for name, url in urls.items()}
    assert actual == dict.fromkeys(urls, LOGIN)


def test_a_superuser_still_manages_every_account_groups_and_passwords(
    client_of, superuser, curator
):
    client = client_of(superuser)
    for url in (
        reverse("admin:auth_user_change", args=[curator.pk]),
        reverse("admin:auth_user_password_change", args=[curator.pk]),
        reverse("admin:auth_group_change", args=[Group.objects.get(name=CURATORS_GROUP).pk]),
    ):
        assert client.get(url).status_code == 200
    response = client.get(reverse("admin:auth_user_change", args=[curator.pk]))
    assert 'name="is_superuser"' in response.content.decode()


def test_the_curators_officials_list_shows_officials_only(
    client_of, curator, other_curator, superuser, official_mx, official_ar
):
    # Staff who are not curators are not officials either.
    User.objects.create_user("personal", "p@example.org", PASSWORD, is_staff=True)
    response = client_of(curator).get(reverse("admin:accounts_officialaccount_changelist"))
    assert response.status_code == 200
    shown = {account.username for account in response.context["cl"].result_list}
    assert shown == {"oficial-mx", "oficial-ar"}
    # The admin's home offers no users or groups to a curator.
    page = client_of(curator).get(reverse("admin:index")).content.decode()
    assert reverse("admin:accounts_officialaccount_changelist") in page
    assert reverse("admin:auth_user_changelist") not in page
    assert reverse("admin:auth_group_changelist") not in page


def test_the_officials_form_has_no_flag_group_permission_or_password(
    client_of, curator, official_mx
):
    client = client_of(curator)
    for url in (
        reverse("admin:accounts_officialaccount_change", args=[official_mx.pk]),
        reverse("admin:accounts_officialaccount_add"),
    ):
        page = client.get(url).content.decode()
        assert 'name="username"' in page and 'name="member_state"' in page
        for field in ("is_superuser", "is_staff", "groups", "user_permissions", "password"):
            assert f'name="{field}"' not in page
        assert "/password/" not in page


def change_form(account, **extra):
    return {
        "username": account.username,
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": account.email,
        "member_state": str(account.official_profile.member_state_id),
        "is_active": "on",
        **extra,
    }


def test_a_curator_posting_flags_groups_and_permissions_changes_none_of_them(
    client_of, curator, official_mx, superuser
):
    client = client_of(curator)
    curators = Group.objects.get(name=CURATORS_GROUP)
    every_permission = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    tampered = {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(curators.pk)],
        "user_permissions": every_permission,
        "password": "pbkdf2_sha256$1$x$y",
    }
    response = client.post(
        reverse("admin:accounts_officialaccount_change", args=[official_mx.pk]),
        change_form(official_mx, **tampered),
    )
    assert response.status_code == 302
    official_mx.refresh_from_db()
    assert official_mx.first_name == "Ana"  # the form was saved...
    assert not official_mx.is_superuser and not official_mx.is_staff  # ...and nothing else
    assert list(official_mx.groups.values_list("name", flat=True)) == [OFFICIALS_GROUP]
    assert not official_mx.user_permissions.exists()
    assert official_mx.check_password(PASSWORD)

    # Django's user admin refuses the curator: for their own account and a superuser's.
    own = reverse("admin:auth_user_change", args=[curator.pk])
    response = client.post(own, {"username": curator.username, **tampered})
    assert response.status_code == 403
    password_page = reverse("admin:auth_user_password_change", args=[superuser.pk])
    new = "una-clave-robada-muy-larga"
    response = client.post(password_page, {"password1": new, "password2": new})
    assert response.status_code == 403
    curator.refresh_from_db()
    superuser.refresh_from_db()
    assert not curator.is_superuser and curator.groups.get() == curators
    assert superuser.check_password(PASSWORD)


def test_a_curator_creates_an_official_who_gets_a_link_to_choose_a_password(
    client_of, curator, mailoutbox, django_capture_on_commit_callbacks
):
    chile = MemberState.objects.get(iso_code="CL")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(curator).post(
            reverse("admin:accounts_officialaccount_add"),
            {
                "username": "oficial-cl",
                "first_name": "Rosa",
                "last_name": "Soto",
                "email": "rosa.soto@example.org",
                "member_state": str(chile.pk),
                # A tampered form: ignored.
                "is_staff": "on",
                "is_superuser": "on",
            },
        )
    assert response.status_code == 302
    official = User.objects.get(username="oficial-cl")
    assert not official.is_staff and not official.is_superuser
    assert not official.has_usable_password()
    assert official.official_profile.member_state == chile
    assert list(official.groups.values_list("name", flat=True)) == [OFFICIALS_GROUP]

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["rosa.soto@example.org"]
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    # The link lets the official choose a password, and log in with it.
    browser = Client()
    response = browser.get(link.strip(), follow=True)
    assert response.status_code == 200
    new = "cordillera-de-los-andes-7"
    response = browser.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.check_password(new)


def test_an_official_needs_an_email_and_a_state(client_of, curator):
    response = client_of(curator).post(
        reverse("admin:accounts_officialaccount_add"), {"username": "sin-datos"}
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"email", "member_state"}
    assert not User.objects.filter(username="sin-datos").exists()


def test_a_curator_moves_an_official_to_another_state_and_sends_a_new_link(
    client_of, curator, official_mx, mailoutbox, django_capture_on_commit_callbacks
):
    argentina = MemberState.objects.get(iso_code="AR")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(curator).post(
            reverse("admin:accounts_officialaccount_change", args=[official_mx.pk]),
            change_form(official_mx, member_state=str(argentina.pk), send_link="on"),
        )
    assert response.status_code == 302
    assert OfficialProfile.objects.get(user=official_mx).member_state == argentina
    assert [message.to for message in mailoutbox] == [["oficial-mx@example.org"]]


def test_a_curator_deactivates_and_reactivates_officials(client_of, curator, official_mx):
    client = client_of(curator)
    url = reverse("admin:accounts_officialaccount_changelist")
    # A curator's own id slipped into the selection is not theirs to touch.
    selection = [str(official_mx.pk), str(curator.pk)]
    response = client.post(url, {"action": "deactivate", "_selected_action": selection})
    assert response.status_code == 302
    official_mx.refresh_from_db()
    curator.refresh_from_db()
    assert not official_mx.is_active and curator.is_active
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "oficial-mx", "password": PASSWORD})
    assert "_auth_user_id" not in browser.session

    client.post(url, {"action": "reactivate", "_selected_action": [str(official_mx.pk)]})
    official_mx.refresh_from_db()
    assert official_mx.is_active


def test_a_send_link_action_reaches_officials_only(
    client_of, curator, official_mx, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_of(curator).post(
            reverse("admin:accounts_officialaccount_changelist"),
            {
                "action": "send_set_password_links",
                "_selected_action": [str(official_mx.pk), str(superuser.pk)],
            },
        )
    assert [message.to for message in mailoutbox] == [["oficial-mx@example.org"]]


def test_an_account_made_staff_while_the_form_was_open_is_not_saved(
    client_of, curator, official_mx, monkeypatch
):
    # The form was read when the account was still an official's...
    monkeypatch.setattr(
        OfficialAccountAdmin, "get_queryset", lambda self, request: OfficialAccount.objects.all()
    )
    # ...and a superuser made it staff before the curator saved.
    User.objects.filter(pk=official_mx.pk).update(is_staff=True)
    response = client_of(curator).post(
        reverse("admin:accounts_officialaccount_change", args=[official_mx.pk]),
        change_form(official_mx, email="otra@example.org"),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 409
    assert "Nothing was saved" in response.content.decode()
    official_mx.refresh_from_db()
    assert official_mx.email == "oficial-mx@example.org" and official_mx.is_staff


def curator_permissions():
    group = Group.objects.get(name=CURATORS_GROUP)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def assert_curators_cannot_grow(permissions):
    assert not {codename for app, codename in permissions if app == "auth"}
    assert ("accounts", "change_officialaccount") in permissions
    assert ("accounts", "change_officialprofile") not in permissions
    assert ("accounts", "delete_officialaccount") not in permissions


def test_curators_hold_no_permission_on_users_groups_or_permissions(db):
    assert_curators_cannot_grow(curator_permissions())


@pytest.mark.django_db(transaction=True)
def test_the_roles_are_the_same_after_a_flush():
    call_command("flush", "--no-input", verbosity=0)
    assert_curators_cannot_grow(curator_permissions())


def test_a_superuser_may_manage_officials_too(client_of, superuser, official_mx):
    response = client_of(superuser).get(
        reverse("admin:accounts_officialaccount_change", args=[official_mx.pk])
    )
    assert response.status_code == 200


def superuser_only_urls():
    """The last rows of the README's table of powers: pages for superusers alone."""
    return {
        "outgoing e-mails": reverse("admin:outbox_outgoingemail_changelist"),
        "log-in attempts": reverse("admin:axes_accessattempt_changelist"),
        "log-in failures": reverse("admin:axes_accessfailurelog_changelist"),
        "log-ins": reverse("admin:axes_accesslog_changelist"),
        "task results": reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        "any account's state": reverse("admin:accounts_officialprofile_changelist"),
    }


def test_only_superusers_reach_e_mails_lockouts_task_results_and_profiles(
    client_of, curator, superuser
):
    urls = superuser_only_urls()
    as_curator = client_of(curator)
    assert {name: outcome(as_curator, url) for name, url in urls.items()} == dict.fromkeys(
        urls, NOT_THERE
    )
    as_superuser = client_of(superuser)
    assert {name: outcome(as_superuser, url) for name, url in urls.items()} == dict.fromkeys(
        urls, 200
    )


def test_a_curator_changes_an_open_report_in_the_admin_but_never_adds_or_deletes_one(
    client_of, curator, official_mx
):
    report = make_report(official_mx, ReviewState.SUBMITTED)
    client = client_of(curator)
    change = reverse("admin:commitments_progressreport_change", args=[report.pk])
    assert 'name="narrative"' in client.get(change).content.decode()
    assert outcome(client, reverse("admin:commitments_progressreport_add")) == NOT_THERE
    delete = reverse("admin:commitments_progressreport_delete", args=[report.pk])
    assert outcome(client, delete) == NOT_THERE
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ProgressReport.objects.filter(pk=report.pk).exists()
