"""Leadership's published periods, frozen at first publication (DESIGN.md invariant 4).

The first time leadership views or downloads a period, what they were shown — the suppressed
report, never the exact counts — is stored here and served from then on: a contact logged late
can never make two readings of the same period differ."""

from __future__ import annotations

from django.db import models

from sidebar.org.models import Agency


class PublishedReport(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="published_reports")
    period = models.CharField(max_length=7)  # "2026-10", "2026-Q3", "2026"
    k = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    content = models.JSONField()  # the suppressed report (sidebar.reports.frozen.encode)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "period"], name="published_report_once")]

    def __str__(self) -> str:
        return f"{self.period} (published {self.published_at:%Y-%m-%d})"
