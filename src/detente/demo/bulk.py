"""Many alliances for measuring scale: copies of the demo's alliances, made with bulk SQL.

``add_alliances(n)`` copies the demo's alliances (built by ``build_demo`` first) round and
round until ``n`` more exist: every row of every table that hangs off an alliance (sides,
records, cycles, answers, alerts, audit entries, the many-to-many link tables, ...) is
copied with one ``INSERT ... SELECT`` per table and copy. So each copy carries exactly the
demo's amount of data per alliance, with the same mix of joint and private records.

Why not run the story builder N times: it goes through the app's services, forms and audit
(about 3.5 s of CPU per alliance, an hour for 1,000); copying rows takes seconds.

How: a copy ``k`` shifts every primary key of a copied table, and every foreign key that
points into a copied table, by ``k * step``, where ``step`` exceeds every id in those tables;
foreign keys to people and organisations are kept. Every copied alliance gets
``raj@globalconnect.example``'s organisation as a side (the copy's second side takes
GlobalConnect's place where the original has no GlobalConnect side), so one manager sees
them all. Ids kept inside JSON fields and audit entries' ``object_id`` still name the
original rows: enough for lists and scans, not for editing a copy's negotiation.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from detente.accounts.models import Organisation
from detente.records.models import Alliance, Side

VIEWER_ORGANISATION = "GlobalConnect"


def _copied_models() -> list[type[models.Model]]:
    """Every concrete model (link tables included) that hangs off an alliance, parents first."""
    everything = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy and model._meta.managed:
            everything.append(model)
    copied: list[type[models.Model]] = [Alliance]
    grew = True
    while grew:
        grew = False
        for model in everything:
            if model in copied:
                continue
            targets = [f.related_model for f in model._meta.concrete_fields if f.is_relation]
            if any(t in copied for t in targets):
                copied.append(model)
                grew = True
    return copied


def _suffixed(model: type[models.Model], copied: set[type[models.Model]]) -> set[str]:
    """Text fields that would repeat in a copy: those of a unique constraint none of whose
    fields is shifted (a notification's (recipient, key), say). A copy appends its suffix."""
    out = set()
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            continue
        fields = [f for f in model._meta.concrete_fields if f.name in constraint.fields]
        if any(f.primary_key or (f.is_relation and f.related_model in copied) for f in fields):
            continue
        out |= {f.name for f in fields if isinstance(f, models.CharField)}
    return out


def _insert_sql(model: type[models.Model], copied: set[type[models.Model]]) -> str:
    qn = connection.ops.quote_name
    names, values = [], []
    suffixed = _suffixed(model, copied)
    for f in model._meta.concrete_fields:
        column = qn(f.column)
        names.append(column)
        shifts = f.primary_key and isinstance(f, models.AutoField | models.BigAutoField)
        if shifts or (f.is_relation and f.related_model in copied):
            values.append(f"{column} + %(shift)s")
        elif (model is Alliance and f.name == "name") or f.name in suffixed:
            values.append(f"{column} || %(suffix)s")
        else:
            values.append(column)
    table = qn(model._meta.db_table)
    where = [f"{qn(model._meta.pk.column)} <= %(top)s"]
    links = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model in copied]
    if model is not Alliance and all(f.null for f in links):
        # Rows outside any alliance (an organisation's own audit entries) are not copied.
        where.append("(" + " OR ".join(f"{qn(f.column)} IS NOT NULL" for f in links) + ")")
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {table} WHERE {' AND '.join(where)}"
    )


@transaction.atomic
def add_alliances(n: int) -> int:
    """Add ``n`` copies of the existing alliances; return how many alliances there are now."""
    copied = _copied_models()
    step = 1
    for model in copied:
        step = max(step, (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1)
    # Round to a power of ten so that copies' ids read as "copy k, original id".
    step = 10 ** len(str(step))
    originals = list(Alliance.objects.order_by("pk").values_list("pk", flat=True))
    if not originals:
        raise ValueError("there is no alliance to copy; build the demo first")
    viewer = Organisation.objects.get(name=VIEWER_ORGANISATION)
    with_viewer = set(
        Side.objects.filter(organisation=viewer).values_list("alliance_id", flat=True)
    )
    second_sides = [
        Side.objects.filter(alliance_id=a).order_by("pk").values_list("pk", flat=True)[1]
        for a in originals
        if a not in with_viewer
    ]
    statements = [_insert_sql(m, set(copied)) for m in copied]
    copies = -(-n // len(originals))
    made = 0
    with connection.cursor() as cursor:
        for k in range(1, copies + 1):
            shift = k * step
            last = originals[: n - made] if made + len(originals) > n else originals
            params = {"shift": shift, "suffix": f" #{k}", "top": step - 1}
            for sql in statements:
                cursor.execute(sql, params)
            made += len(originals)
            if len(last) < len(originals):
                extra = [a + shift for a in originals if a not in last]
                Alliance.objects.filter(pk__in=extra).delete()
                made = n
            Side.objects.filter(pk__in=[s + shift for s in second_sides]).update(
                organisation=viewer
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), copied):
            cursor.execute(sql)
        # Fresh planner statistics: a table grown a thousandfold in one go otherwise keeps
        # the counts of the demo's few rows until autovacuum gets to it, and PostgreSQL
        # plans the portfolio's joins as nested loops over "one row".
        cursor.execute("ANALYZE")
    return Alliance.objects.count()
