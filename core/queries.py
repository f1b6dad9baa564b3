"""Query helpers that any app may use."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """`lhs = ANY(%s)` with the values as one array parameter: usable in
    `filter()` like `field__in`, but the list goes to the driver as it is."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", [*lhs_params, list(self.rhs)]
