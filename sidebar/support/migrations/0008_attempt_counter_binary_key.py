"""The attempt counters' key becomes bytes (a keyed hash is not text: support's tables hold no
free-text field). Counters live 15 minutes to an hour, so the table is simply made anew."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0007_number_bounds"),
    ]

    operations = [
        migrations.DeleteModel(name="AttemptCounter"),
        migrations.CreateModel(
            name="AttemptCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.BinaryField(max_length=32, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("window_ends_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
