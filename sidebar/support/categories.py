"""The standard lists of ../shared/DOMAIN.md. Codes are stable; labels are what people read.
Statistics are built from these codes only, never from words anyone typed."""

from __future__ import annotations

from django.db import models


class Topic(models.TextChoices):
    WORK_STRESS = "work_stress", "Work stress / workload"
    CRITICAL_INCIDENT = "critical_incident", "Critical incident"
    SECONDARY_TRAUMA = "secondary_trauma", "Secondary (vicarious) trauma"
    FAMILY = "family", "Family or relationship"
    GRIEF = "grief", "Grief or loss"
    ILLNESS_INJURY = "illness_injury", "Serious illness or injury"
    FINANCIAL = "financial", "Financial"
    LEGAL = "legal", "Legal"
    SUBSTANCE_USE = "substance_use", "Substance use"
    SUICIDE_CONCERN = "suicide_concern", "Suicide-related concern"
    CRIME_VICTIM = "crime_victim", "Being a victim of crime"
    WORKPLACE_CONFLICT = "workplace_conflict", "Workplace conflict"
    CAREER = "career", "Career or retention"
    OTHER = "other", "Other / not disclosed"


class ResponseType(models.TextChoices):
    PRE_CRISIS = "pre_crisis", "Pre-crisis education"
    POST_CRISIS = "post_crisis", "Post-crisis stabilisation"
    ONGOING = "ongoing", "Ongoing support"
    GROUP_CRISIS = "group_crisis", "Group crisis intervention (debriefing)"
    DEFUSING = "defusing", "Defusing"
    FAMILY_SUPPORT = "family_support", "Family support"


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    TEXT = "text", "Text / chat"
    EMAIL = "email", "E-mail"


class Referral(models.TextChoices):
    EAP = "eap", "Employee assistance program (EAP)"
    COUNSELLOR = "counsellor", "Licensed counsellor / contract service"
    CLINICAL_ADVISOR = "clinical_advisor", "The program's clinical advisor"
    MEDICAL = "medical", "Medical care"
    CHAPLAIN = "chaplain", "Chaplain or spiritual care"
    CRISIS_LINE = "crisis_line", "Crisis line"
    SUBSTANCE_TREATMENT = "substance_treatment", "Substance-use treatment"
    FINANCIAL_LEGAL_AID = "financial_legal_aid", "Financial or legal aid"
    OTHER = "other", "Other resource"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine — in the next few days"
    SOON = "soon", "Soon — within a day"
    URGENT = "urgent", "Urgent — as soon as possible"


class SupportKind(models.TextChoices):
    PRE_CRISIS = "pre_crisis", "Education and preparation (stress, wellness, resilience)"
    POST_CRISIS = "post_crisis", "Support after something happened"


class Source(models.TextChoices):
    SELF = "self", "For myself"
    REFERRAL = "referral", "For a colleague"
    ANONYMOUS = "anonymous", "Anonymous"
    INCIDENT = "incident", "Outreach after an incident"
    MUTUAL_AID = "mutual_aid", "Mutual aid to another agency"
    DEBRIEF = "debrief", "A peer's debrief with the clinical advisor"


class ReferralReason(models.TextChoices):
    CRITICAL_INCIDENT = "critical_incident", "A critical incident"
    ILLNESS_INJURY = "illness_injury", "Illness or injury"
    FAMILY_TRAGEDY = "family_tragedy", "A family tragedy"
    VISIBLE_DISTRESS = "visible_distress", "Visible distress"
    OTHER = "other", "Other"


class DeclineReason(models.TextChoices):
    CONFLICT_OF_INTEREST = "conflict", "Conflict of interest (I know the person, same chain, same incident)"
    CAPACITY = "capacity", "At capacity"
    UNAVAILABLE = "unavailable", "Unavailable"
    OTHER = "other", "Other"


class ExceptionCategory(models.TextChoices):
    """Every ground any statute template offers (issue 16, section 4). Which of them an agency's
    peers can raise, and with which statutory test, is the agency's template in
    sidebar/safeguards/statutes.py; a subpoena alone is none of them (it goes to counsel)."""

    DANGER_TO_SELF = "danger_self", "Danger to self"
    DANGER_TO_OTHERS = "danger_others", "Danger to others"
    ABUSE = "abuse", "Abuse of a child, elder or vulnerable adult"
    CRIMINAL_CONDUCT = "criminal", "Admission of criminal conduct"
    PREVENT_CRIME = "prevent_crime", "Disclosure needed to prevent a crime"
    REQUIRED_BY_LAW = "required_by_law", "Disclosure required by a statute"
    COURT_ORDER = "court_order", "A court order (reviewed by counsel)"
    CRIMINAL_PROCEEDING = "criminal_proceeding", "A criminal proceeding or investigation"
    DUTY_REFUSAL = "duty_refusal", "Refusal to perform duties that protect others"
    POLICY_VIOLATION = "policy_violation", "Serious violation of agency policy"
    CONSENT = "consent", "Written consent of the person"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    VIETNAMESE = "vi", "Vietnamese"
    TAGALOG = "tl", "Tagalog"
    CHINESE = "zh", "Chinese"
    KOREAN = "ko", "Korean"
    ASL = "ase", "American Sign Language"
