"""What a new deployment starts with; the team leader edits the courses afterwards."""

from __future__ import annotations

# (name, is basic training, description)
DEFAULT_COURSES = [
    (
        "Basic peer support",
        True,
        "Listening, confidentiality and its exceptions, referral, self-care: given by the program's licensed "
        "professional before a member serves.",
    ),
    (
        "Group crisis intervention (CISM)",
        False,
        "Defusing and group debriefing after a critical incident.",
    ),
    ("Suicide awareness", False, "Warning signs, asking directly, staying with the person, bridging to help."),
    ("Grief and loss", False, "Supporting a colleague after a death, and long after the flowers stop coming."),
    ("Secondary trauma", False, "What case files, victims' accounts and evidence do to the people who handle them."),
    ("Self-care for peer supporters", False, "Keeping yourself well while you support others."),
]

# Topics a training-needs poll offers besides the courses (the team leader chooses which).
POLL_TOPICS = [
    "Talking with a colleague about suicide",
    "Critical incident defusing",
    "Stress, sleep and resilience",
    "Substance use: noticing and referring",
    "Supporting a colleague through illness or injury",
    "Confidentiality and its exceptions, a refresher",
    "Working with interpreters and other languages",
]
