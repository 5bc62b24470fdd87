"""A data key keeps the day it was made, not the moment (issue 12, section 5): new keys from the
field's default, existing ones rounded down here."""

import datetime

from django.db import migrations, models
from django.db.models.functions import TruncDay

import sidebar.vault.models


def keep_the_day(apps, schema_editor):  # type: ignore[no-untyped-def]
    DataKey = apps.get_model("vault", "DataKey")
    DataKey.objects.update(created_at=TruncDay("created_at", tzinfo=datetime.UTC))


class Migration(migrations.Migration):
    dependencies = [
        ("vault", "0003_identity_hold"),
    ]

    operations = [
        migrations.AlterField(
            model_name="datakey",
            name="created_at",
            field=models.DateTimeField(default=sidebar.vault.models.utc_day_now),
        ),
        migrations.RunPython(keep_the_day, migrations.RunPython.noop),
    ]
