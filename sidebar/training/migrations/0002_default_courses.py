"""The default course list (editable by the team leader afterwards)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from sidebar.training.defaults import DEFAULT_COURSES



def add_courses(apps: Any, schema_editor: Any) -> None:
    Course = apps.get_model("training", "Course")
    for name, is_basic, description in DEFAULT_COURSES:
        Course.objects.get_or_create(name=name, defaults={"is_basic": is_basic, "description": description})


def remove_courses(apps: Any, schema_editor: Any) -> None:
    Course = apps.get_model("training", "Course")
    Course.objects.filter(name__in=[name for name, _, _ in DEFAULT_COURSES], sessions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(add_courses, remove_courses)]
