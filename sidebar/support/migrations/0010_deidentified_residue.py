"""Issue 16, section 1: what outlives a shredding is de-identified (sidebar/support/residue.py).
Requests shredded before this change are de-identified here, as shredding now does."""

import zoneinfo

from django.db import migrations, models

from sidebar.support.residue import Models, deidentify_rows


def deidentify_shredded(apps, schema_editor):
    get = apps.get_model
    SupportRequest = get("support", "SupportRequest")
    agency = get("org", "Agency").objects.order_by("pk").first()
    zone = zoneinfo.ZoneInfo(agency.timezone if agency is not None else "America/Los_Angeles")
    historical = Models(
        SupportRequest=SupportRequest,
        Assignment=get("support", "Assignment"),
        Contact=get("support", "Contact"),
        CheckIn=get("support", "CheckIn"),
        AnonymousTicket=get("support", "AnonymousTicket"),
        TicketMessage=get("support", "TicketMessage"),
        SentForm=get("support", "SentForm"),
    )
    shredded = SupportRequest.objects.filter(data_key__wrapped__isnull=True).values_list("pk", flat=True)
    for request_id in shredded.iterator(chunk_size=500):
        deidentify_rows(models=historical, request_id=request_id, zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0009_inactivity"),
        ("org", "0001_initial"),
        ("vault", "0004_datakey_created_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportrequest",
            name="first_contact_wait_minutes",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(deidentify_shredded, migrations.RunPython.noop),
    ]
