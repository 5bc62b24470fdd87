"""How a person is named wherever people are listed or chosen: name and unit, and the title too
when two people listed together share both. Two colleagues called Ivo Gutierrez in different
units once looked the same in the attendance list, and the credit for a session went to the
wrong one.

Duck-typed (``full_name``, ``unit`` with a ``name``, ``title``) so every app can use it without
importing the org models; callers select the unit in their query (``select_related``), so a
list of labels costs no query per person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue


def person_label(person: Any, *, with_title: bool = False) -> str:
    """A person's label: "Ivo Gutierrez, Felony Trials" (and ", Investigator" with ``with_title``)."""
    parts = [person.full_name]
    unit = person.unit if getattr(person, "unit_id", None) is not None else None
    if unit is not None:
        parts.append(unit.name)
    title: str = getattr(person, "title", "") or ""
    if with_title and title:
        parts.append(title)
    return ", ".join(parts)


def person_labels(people: Sequence[Any]) -> list[str]:
    """The labels of people listed together, in order: the title is added for those whose name
    and unit are both shared by someone else in the list (another person, not the same one
    listed twice)."""
    keys = [person_label(person) for person in people]
    # the same person listed twice (two shifts on the rota) is not a namesake
    distinct = {(getattr(person, "pk", None) or id(person)): key for person, key in zip(people, keys, strict=True)}
    shared = Counter(distinct.values())
    return [person_label(person, with_title=shared[key] > 1) for person, key in zip(people, keys, strict=True)]


class _PersonChoiceIterator(ModelChoiceIterator):  # type: ignore[type-arg]
    """Choices labelled with ``person_labels`` over the whole list (one query, as before)."""

    field: PersonChoiceField | PersonMultipleChoiceField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        objects = list(self.queryset)
        labels = person_labels([self.field.person_of(obj) for obj in objects])
        for obj, label in zip(objects, labels, strict=True):
            yield (ModelChoiceIteratorValue(self.field.prepare_value(obj), obj), self.field.decorate(obj, label))


class _PersonChoices:
    """Shared by the single and multiple choice fields: how to reach the person from a choice
    (``person_of``) and anything to add after the label (``decorate``)."""

    person_of: Callable[[Any], Any] = staticmethod(lambda obj: getattr(obj, "person", obj))

    def decorate(self, obj: Any, label: str) -> str:
        return label

    def label_from_instance(self, obj: Any) -> str:  # one choice alone (e.g. in an error message)
        return self.decorate(obj, person_label(self.person_of(obj)))


class PersonChoiceField(_PersonChoices, forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choose one person (or a peer profile, an account: anything with a ``person``)."""

    iterator = _PersonChoiceIterator


class PersonMultipleChoiceField(_PersonChoices, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Choose several people (checkboxes or a multiple select)."""

    iterator = _PersonChoiceIterator


def labelled(items: Iterable[Any], person_of: Callable[[Any], Any]) -> list[tuple[Any, str]]:
    """``(item, label)`` pairs for a table of items that each name a person."""
    listed = list(items)
    return list(zip(listed, person_labels([person_of(item) for item in listed]), strict=True))
