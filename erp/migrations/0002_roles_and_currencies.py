"""Create the role groups and the currencies Tempo trades in.

Permissions are attached after every migrate by ``erp.roles.roles_sync_permissions``
(they do not exist yet while migrations run).
"""

from django.db import migrations

ROLES = [
    "procurement",
    "planning",
    "sales",
    "logistics",
    "store_ops",
    "finance",
    "admin",
    "retailer",
]
CURRENCIES = [
    ("CNY", "Chinese yuan", 2),
    ("USD", "US dollar", 2),
    ("EUR", "Euro", 2),
    ("JPY", "Japanese yen", 0),
    ("KRW", "South Korean won", 0),
    ("TWD", "New Taiwan dollar", 2),
    ("HKD", "Hong Kong dollar", 2),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Currency = apps.get_model("erp", "Currency")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, places in CURRENCIES:
        Currency.objects.get_or_create(
            code=code, defaults={"name": name, "decimal_places": places}
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("erp", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
