"""The names searched among their own département's trigrams, exactly and fuzzily (issue 16).

In the GIN index of migration 0033 the département and each trigram are separate keys, whose lists
PostgreSQL intersects: « dupont marie » read the trigram lists of the whole country's names to keep
the Côte-d'Or's, 11 ms for the exact lookup and 42 ms for the fuzzy one (`%>`) at 2,500,000
procedures, against 1.2 and 7.6 ms in a database of the Côte-d'Or alone. The keyed arrays of
migration 0034 serve a LIKE but not a similarity: pg_trgm compares trigrams of text only.

So each département writes its names in letters of its own: `prevex_keyed_text(département, text)`
maps a to z and 0 to 9 onto 36 ideographs (CJK Unified Ideographs from U+4E00, 36 per département,
ranked by its code), one for one, everything else left as it is (the names are normalised: lower
case, no accents). Words, their lengths and their trigrams correspond one for one, so a LIKE or a
word similarity between two texts written in one département's letters is the same as between the
texts themselves (but for a name written in those very ideographs); yet a trigram of the Côte-d'Or
is no longer one of the Saône-et-Loire's, and the GIN index's lists hold one département's rows.
The search reads the names so, in place of the plain text (services._keyed_names).

Its cost counts: PostgreSQL rechecks each row the index gives, the expression computed again (7 to
11 µs a name). So the letters are in the order of their frequency in names, translate() looking each
character up in that list (a third faster than in alphabetical order), and the département's
letters are read from an array by subscript (cut out of one string they took as long again).

pg_trgm counts ideographs as letters under a UTF-8 locale (C.UTF-8, en_US.UTF-8…), not under the C
locale, where they would have no trigram: the index is then not created, and the search reads the
index of 0033 as before. PL/pgSQL rather than SQL: no slower, and not inlined, so that the plans
show `prevex_keyed_text(…)` rather than 4,320 ideographs. PostgreSQL only."""

from django.db import migrations

LETTERS = "ea0ir1nl9otsumc2d5678p34bghvyfjkxzqw"  # a to z, 0 to 9, the most frequent first
FIRST = 0x4E00  # the first CJK Unified Ideograph
RANKS = 120  # 01 to 95, 2A 96, 2B 97, the overseas 971 to 989 as 101 to 119; any other code 0
ALPHABETS = ", ".join(  # the letters of each rank, a literal array read by subscript
    "'" + "".join(chr(FIRST + len(LETTERS) * rank + number) for number in range(len(LETTERS))) + "'"
    for rank in range(RANKS)
)
RANK = (
    "CASE WHEN key ~ '^[0-9]{2}$' THEN key::int WHEN key = '2A' THEN 96 WHEN key = '2B' THEN 97 "
    "WHEN key ~ '^9[78][0-9]$' THEN key::int - 870 ELSE 0 END"
)
FUNCTION = f"""
CREATE OR REPLACE FUNCTION prevex_keyed_text(key text, body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$ BEGIN
  RETURN translate(body, '{LETTERS}', (ARRAY[{ALPHABETS}])[1 + {RANK}]);
END $$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS procedure_dep_search_keys ON procedure_procedure "
    "USING gin (prevex_keyed_text(departement_code, search_text) gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(prevex_keyed_text('21', 'abc')) <> '{}'")
        ideographs_are_letters = cursor.fetchone()[0]
    if ideographs_are_letters:
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS procedure_dep_search_keys")
        schema_editor.execute("DROP FUNCTION IF EXISTS prevex_keyed_text(text, text)")


class Migration(migrations.Migration):
    dependencies = [("procedure", "0037_task_open_indexes_covering")]

    operations = [migrations.RunPython(forwards, backwards)]
