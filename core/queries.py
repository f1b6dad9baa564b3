"""Query helpers that any app may use."""

from django.db.models import CharField, F, Func, Lookup, Q, Value
from django.db.models.lookups import IContains


class AnyOf(Lookup):
    """`lhs = ANY(%s)` with the values as one array parameter: usable in
    `filter()` like `field__in`, but the list goes to the driver as it is."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", [*lhs_params, list(self.rhs)]


# Dashes a name is written with, read as the space a searcher types instead.
DASHES = "-\u2010\u2011\u2013\u2014"


def _folded(text):
    """`text` (an expression) without its accents, its dashes as spaces."""
    unaccented = Func(text, function="unaccent", output_field=CharField())
    return Func(
        unaccented,
        Value(DASHES),
        Value(" " * len(DASHES)),
        function="translate",
        output_field=CharField(),
    )


def holds(field: str, text: str) -> Q:
    """`field` holds `text` as a person searching means it: whatever the case, the
    accents ("hopital" finds "Hôpital", and so does an ô typed as o and a combining
    circumflex), a ligature or a curly apostrophe, with runs of spaces read as one
    and a dash as a space ("saint aurele" finds "Saint-Aurèle"). PostgreSQL's
    unaccent (core's migration 0004) folds both sides; the one rule of every
    search box and picker."""
    typed = " ".join(text.split())
    return Q(IContains(_folded(F(field)), _folded(Value(typed))))
