"""``{% load people %}``: people named so that namesakes can be told apart (sidebar.lib.people)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from sidebar.lib.people import labelled, person_label

register = template.Library()


@register.filter(name="person_label")
def person_label_filter(person: Any) -> str:
    """``{{ peer.person|person_label }}``: "Ivo Gutierrez, Felony Trials"."""
    return person_label(person) if person is not None else ""


@register.filter
def with_person_labels(items: Iterable[Any], path: str) -> list[tuple[Any, str]]:
    """``{% for shift, name in shifts|with_person_labels:"peer.person" %}``: each item with the
    label of the person at ``path``, the title added where two listed share name and unit."""

    def person_of(item: Any) -> Any:
        for attribute in path.split("."):
            item = getattr(item, attribute)
        return item

    return labelled(items, person_of)
