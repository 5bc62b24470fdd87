"""When the database is gone (issue 13, section 3).

Any request that fails because the database cannot be reached — in a middleware, a view or
while saving the session — ends in Django's 500 handler. This one tells that case apart and
answers ``503 Service Unavailable`` with ``Retry-After``, the crisis line and the employee
assistance number (from sidebar/lib/last_known.py: no query), and logs one line, not a traceback
per request. A person who sent the anonymous form meanwhile is told plainly that nothing was sent
and gets the form back as they filled it in. Every other error is Django's 500 page, as before.

The page is rendered without context processors and without the session: both would ask the
database.
"""

from __future__ import annotations

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.views import defaults

from sidebar.lib import last_known

logger = logging.getLogger("sidebar.outage")

RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 60.0  # at most one line a minute per process while the outage lasts
# PostgreSQL's errors that mean "no database to talk to": connection exceptions (class 08),
# the server shutting down or starting (57P01-57P03), no connection slot left (53300).
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")

_last_logged = 0.0


def database_unreachable(exception: BaseException | None) -> bool:
    """Whether ``exception`` says the database cannot be reached (not a bad query, not a lock)."""
    if isinstance(exception, InterfaceError):
        return True  # "connection already closed": the server went away under us
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    sqlstate = getattr(cause, "sqlstate", "")
    if type(cause).__module__.startswith("psycopg"):
        # a connection that failed or broke has no SQLSTATE: the server never answered
        return sqlstate is None or str(sqlstate).startswith(UNREACHABLE_SQLSTATES)
    return str(exception).lower().startswith(SQLITE_UNREACHABLE)


def _log_once(exception: BaseException) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS or _last_logged == 0.0:
        _last_logged = now
        logger.error("database unreachable (%s); answering 503", type(exception).__name__)


def _anonymous_form(request: HttpRequest) -> object | None:
    """The anonymous request form as the person sent it, if that is what failed."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "tickets:new":
        return None
    from sidebar.support.ticket_forms import AskAnonymouslyForm  # a form: no query to build it

    return AskAnonymouslyForm(request.POST)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 for a database outage, Django's 500 page for anything else."""
    exception = sys.exc_info()[1]
    if not database_unreachable(exception):
        return defaults.server_error(request)
    assert exception is not None
    _log_once(exception)
    form = _anonymous_form(request)
    context = {
        **last_known.numbers(),
        "form": form,
        # the token the browser sent, valid with its cookie once the database is back
        "csrf_token": request.POST.get("csrfmiddlewaretoken", "") if form is not None else "",
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django would log a traceback
    return response
