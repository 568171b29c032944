"""PostgreSQL's text search: ``unaccent`` and the ``celac_es`` configuration, the Spanish
one with accents removed before stemming (commitments/services/search.py). Nothing on
SQLite, which folds accents with a function of its own."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CREATE = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'celac_es') THEN
    CREATE TEXT SEARCH CONFIGURATION celac_es (COPY = pg_catalog.spanish);
    ALTER TEXT SEARCH CONFIGURATION celac_es
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
END
$$;
"""
# The published narratives are many: an index of their text as the search reads it
# (commitments.services.search, whose expression it must match).
NARRATIVE_INDEX = """
CREATE INDEX IF NOT EXISTS commitments_report_narrative_search
  ON commitments_progressreport
  USING GIN (to_tsvector('celac_es'::regconfig, COALESCE((narrative)::text, '')));
"""
DROP = """
DROP INDEX IF EXISTS commitments_report_narrative_search;
DROP TEXT SEARCH CONFIGURATION IF EXISTS celac_es;
"""


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(NARRATIVE_INDEX)


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0006_commitment_due_label_en_commitment_due_label_es_and_more")]

    # UnaccentExtension does nothing on a database other than PostgreSQL.
    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_configuration, drop_configuration),
    ]
