"""The addresses searched from trigrams keyed by the département (issue 16): `21:vic`, `21:ict`…
In the GIN index of migration 0033 the département and each trigram are separate keys, whose lists
PostgreSQL intersects: « victor hugo » read the trigram lists of the whole country's Victor Hugo
streets to keep the Côte-d'Or's (1.33 × the single-département time at 2,500,000 procedures). Keyed
by the département, each list holds that département's rows only. The trigrams are those inside the
words (no padding): the ones every word part a user types holds, as `address_text LIKE '%…%'`
needs. The index of 0033 stays for a user of many départements (services.KEYED_DEPARTEMENTS): one
keyed lookup per département cost 41 ms for an organisation serving 101. PostgreSQL only; SQLite
searches the copies by containment."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION prevex_keyed_trigrams(key text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT
AS $$ SELECT coalesce(array_agg(key || ':' || trigram), '{}')
      FROM unnest(show_trgm(body)) AS trigram WHERE strpos(trigram, ' ') = 0 $$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS procedure_dep_address_keys ON procedure_procedure "
    "USING gin (prevex_keyed_trigrams(departement_code, address_text))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS procedure_dep_address_keys")
        schema_editor.execute("DROP FUNCTION IF EXISTS prevex_keyed_trigrams(text, text)")


class Migration(migrations.Migration):
    dependencies = [("procedure", "0033_procedure_search_texts")]

    operations = [migrations.RunPython(forwards, backwards)]
