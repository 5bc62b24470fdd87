"""Sign-in times already kept are rounded down to their UTC day (issue 12, section 5): from now on
sidebar/accounts/sign_in_traces.py writes the day only. Audit events are append-only and keep
what they recorded (docs/privacy.md, "Times")."""

import datetime

from django.db import migrations
from django.db.models.functions import TruncDay


def keep_the_day(apps, schema_editor):  # type: ignore[no-untyped-def]
    def day(field: str) -> TruncDay:
        return TruncDay(field, tzinfo=datetime.UTC)

    apps.get_model("accounts", "User").objects.filter(last_login__isnull=False).update(last_login=day("last_login"))
    apps.get_model("socialaccount", "SocialAccount").objects.update(
        last_login=day("last_login"), date_joined=day("date_joined")
    )
    apps.get_model("mfa", "Authenticator").objects.filter(last_used_at__isnull=False).update(
        last_used_at=day("last_used_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_invited_at"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(keep_the_day, migrations.RunPython.noop)]
