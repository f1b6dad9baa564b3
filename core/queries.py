"""Query helpers that any app may use."""

from django.db.models import Lookup, Q


class AnyOf(Lookup):
    """`lhs = ANY(%s)` with the values as one array parameter: usable in
    `filter()` like `field__in`, but the list goes to the driver as it is."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", [*lhs_params, list(self.rhs)]


def holds(field: str, text: str) -> Q:
    """`field` holds `text` as a person searching means it: whatever the case, the
    accents ("hopital" finds "Hôpital", and so does an ô typed as o and a combining
    circumflex), a ligature or a curly apostrophe, with runs of spaces read as one.
    PostgreSQL's unaccent (core's migration 0004) folds both sides; the one rule
    of every search box and picker."""
    return Q(**{f"{field}__unaccent__icontains": " ".join(text.split())})
