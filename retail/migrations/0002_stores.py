"""Retailer stores become stores: own (no retailer) or retailer-run, each with cover days and the warehouse
that replenishes it; point-of-sale integration users. The rename keeps the rows; existing stores get the
warehouse of their region (the first active one by code, else the first active warehouse)."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def set_supplying_warehouses(apps, schema_editor):
    Store = apps.get_model("retail", "Store")
    Location = apps.get_model("logistics", "Location")
    warehouses = list(Location.objects.filter(kind="warehouse", is_active=True).order_by("code"))
    for store in Store.objects.select_related("location").filter(replenished_from__isnull=True):
        region = store.location.region
        chosen = next((w for w in warehouses if region and w.region == region), warehouses[0] if warehouses else None)
        if chosen is not None:
            store.replenished_from = chosen
            store.save(update_fields=["replenished_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0005_stock_flows"),
        ("retail", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="RetailerStore", new_name="Store"),
        migrations.CreateModel(
            name="HistoricalStore",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("updated_at", models.DateTimeField(blank=True, editable=False, verbose_name="updated at")),
                (
                    "cover_days",
                    models.PositiveSmallIntegerField(
                        default=7,
                        help_text="Replenishment target: this many days of the recent mean daily sales (1-90).",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(90),
                        ],
                        verbose_name="cover days",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical store",
                "verbose_name_plural": "historical stores",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PosUser",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "point-of-sale user",
                "verbose_name_plural": "point-of-sale users",
                "ordering": ["user"],
            },
        ),
        migrations.AlterModelOptions(
            name="store",
            options={
                "ordering": ["location__code"],
                "permissions": [
                    ("count_store", "Can post a stock count of a store"),
                    ("accept_replenishment", "Can accept replenishment suggestions into transfer shipments"),
                ],
                "verbose_name": "store",
                "verbose_name_plural": "stores",
            },
        ),
        migrations.AddField(
            model_name="store",
            name="cover_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="Replenishment target: this many days of the recent mean daily sales (1-90).",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(90)],
                verbose_name="cover days",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="replenished_from",
            field=models.ForeignKey(
                blank=True,
                help_text="The warehouse that supplies it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="supplied_stores",
                to="logistics.location",
                verbose_name="replenished from",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="store",
            name="location",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="store",
                to="logistics.location",
                verbose_name="location",
            ),
        ),
        migrations.AlterField(
            model_name="store",
            name="retailer",
            field=models.ForeignKey(
                blank=True,
                help_text="The retailer that runs it; empty for one of Tempo's own stores.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stores",
                to="retail.retailer",
                verbose_name="retailer",
            ),
        ),
        migrations.AddIndex(
            model_name="store",
            index=models.Index(fields=["retailer"], name="retail_stor_retaile_fde900_idx"),
        ),
        migrations.AddConstraint(
            model_name="store",
            constraint=models.CheckConstraint(
                condition=models.Q(("cover_days__gte", 1), ("cover_days__lte", 90)), name="store_cover_days_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="store",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("replenished_from__isnull", True),
                    models.Q(("replenished_from", models.F("location")), _negated=True),
                    _connector="OR",
                ),
                name="store_not_replenished_from_itself",
            ),
        ),
        migrations.AddField(
            model_name="historicalstore",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalstore",
            name="location",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="logistics.location",
                verbose_name="location",
            ),
        ),
        migrations.AddField(
            model_name="historicalstore",
            name="replenished_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The warehouse that supplies it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="logistics.location",
                verbose_name="replenished from",
            ),
        ),
        migrations.AddField(
            model_name="historicalstore",
            name="retailer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The retailer that runs it; empty for one of Tempo's own stores.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="retail.retailer",
                verbose_name="retailer",
            ),
        ),
        migrations.AddField(
            model_name="posuser",
            name="store",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: every one of Tempo's own stores.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pos_users",
                to="retail.store",
                verbose_name="store",
            ),
        ),
        migrations.AddField(
            model_name="posuser",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pos_link",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(set_supplying_warehouses, migrations.RunPython.noop),
    ]
