"""Accent- and case-insensitive containment for the text filters and the search (issue 13).

`fold` is the one normal form: accents removed, lower case, every run of other characters than
letters and digits a single space (« Saint-Apollinaire » → « saint apollinaire »). The lookup
`folded_contains`, registered on every CharField and TextField, compares a column's folded value with
the folded search text:

- SQLite: `prevex_fold(column)`, the Python `fold` registered on each new connection
  (`register_sqlite_fold`, connected in DirectoryConfig.ready);
- PostgreSQL: `unaccent` (extension created by migration directory 0009) then lower case and the
  same regular expression; the text is folded the same way, `unaccent` catching the ligatures
  (œ → oe) that Python's decomposition leaves.
"""

import unicodedata

from django.db.models import CharField, Lookup, TextField


def fold(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join("".join(char if char.isalnum() else " " for char in text).split())


def register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("prevex_fold", 1, fold, deterministic=True)


class FoldedContains(Lookup):
    """`commune__name__folded_contains="chenove"` finds Chenôve. The folded text holds only
    letters, digits and single spaces: no LIKE wildcard to escape."""

    lookup_name = "folded_contains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [f"%{fold(value)}%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"prevex_fold({lhs}) LIKE {rhs}", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        folded = f"regexp_replace(lower(unaccent({lhs})), '[^[:alnum:]]+', ' ', 'g')"
        return f"{folded} LIKE unaccent({rhs})", [*lhs_params, *rhs_params]


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)
