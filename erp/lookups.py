"""``field__in_ids=[...]``: membership in a long list of ids with one parameter on PostgreSQL.

Django compiles ``__in`` with one placeholder per value, which costs tens of milliseconds for a
few thousand ids (the cost roll-up sends every part of a BOM). PostgreSQL takes the whole list
as one array parameter instead; other databases get the ordinary ``IN``.
"""

from django.db.models import Field, ForeignObject, Lookup


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs
        if not ids:
            return "1 = 0", list(lhs_params)  # matches nothing, like an empty IN
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


Field.register_lookup(InIds)
ForeignObject.register_lookup(InIds)  # foreign keys keep their own lookup table
