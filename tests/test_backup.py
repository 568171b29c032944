"""The backup drill: back up, wipe, restore; every table comes back with the same rows."""

import hashlib

import pytest
from conftest import make_official
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import CURATORS_GROUP, OFFICIALS_GROUP
from commitments.models import Commitment, MemberState


def table_fingerprints():
    """Each table's row count and a hash of its rows, in a stable order."""
    fingerprints = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            columns = len(connection.introspection.get_table_description(cursor, table))
            order = ", ".join(str(n) for n in range(1, columns + 1))
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            fingerprints[table] = (len(rows), digest)
    return fingerprints


@pytest.fixture
def populated(transactional_db, plan, client):
    """The plan, accounts, roles and a session: real rows in most tables.

    Built here rather than with the shared actors: a database emptied by an earlier
    live-server test has lost the roles the migrations create.
    """
    for role in (CURATORS_GROUP, OFFICIALS_GROUP):
        Group.objects.get_or_create(name=role)
    make_official("MX", "oficial-mx")
    client.force_login(get_user_model().objects.create_superuser("sre", "sre@example.org", "x"))
    return table_fingerprints()


def test_backup_wipe_restore_brings_every_row_back(populated, tmp_path, capsys):
    before = populated
    assert before["commitments_commitment"][0] == 34
    assert before["commitments_memberstate"][0] == 33

    path = tmp_path / "drill.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0
    assert path.stat().st_mode & 0o077 == 0  # only the operator can read it

    call_command("flush", interactive=False, verbosity=0)
    assert Commitment.objects.count() == 0
    assert get_user_model().objects.count() == 0

    call_command("restore", str(path), interactive=False)
    after = table_fingerprints()
    assert after == before
    assert MemberState.objects.get(iso_code="MX").officials.get().user.username == "oficial-mx"
    counted = sum(n for n, _ in after.values())
    print(f"Backup drill ({connection.vendor}): {len(after)} tables, {counted} rows identical")


def test_restore_refuses_a_file_that_is_not_a_backup(transactional_db, plan, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_text("hello")
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), interactive=False)
    assert Commitment.objects.count() == 34  # nothing was touched


def test_backup_without_a_path_goes_under_var_backups(transactional_db, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    call_command("backup")
    (written,) = (tmp_path / "var" / "backups").iterdir()
    assert written.name.startswith("celac-ppt-")
