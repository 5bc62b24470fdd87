#!/usr/bin/env python
import os
import sys

# Commands that only compare models with migrations need no secrets: let them run on a checkout
# without SIDEBAR_MODE (every other command defaults to production and asks for its secrets).
SCHEMA_ONLY_COMMANDS = {"makemigrations"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sidebar.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SCHEMA_ONLY_COMMANDS:
        os.environ.setdefault("SIDEBAR_MODE", "test")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
