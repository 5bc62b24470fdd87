"""A leadership report as JSON and back, so a published period is served exactly as first shown.

Only the published report is stored: hidden numbers are null, never their values."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from sidebar.reports.charts import Bar, BarChart, LineChart, Point
from sidebar.reports.periods import Period
from sidebar.reports.queries import PeerLoad
from sidebar.reports.report import Figure, Report, Stat
from sidebar.reports.tables import CellView, RowView, TableView

CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Report, Stat, Figure, TableView, RowView, CellView, BarChart, Bar, LineChart, Point, PeerLoad)
}


def encode(value: Any) -> Any:
    if isinstance(value, Period):
        return {"_": "Period", "text": str(value)}
    if isinstance(value, datetime.datetime):
        return {"_": "datetime", "text": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"_": type(value).__name__, **fields}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(decode(item) for item in value)
    if not isinstance(value, dict):
        return value
    kind = str(value.get("_"))
    if kind == "Period":
        return Period.parse(value["text"])
    if kind == "datetime":
        return datetime.datetime.fromisoformat(value["text"])
    fields = {name: decode(item) for name, item in value.items() if name != "_"}
    return CLASSES[kind](**fields)
