from django import template
from django.urls import NoReverseMatch, reverse

from evaluation import codes
from evaluation.models import Rating

register = template.Library()


@register.filter
def flag_url(flag) -> str:
    """Where the record behind a flag can be read; empty when the flag names none."""
    ref = flag.get("ref") if isinstance(flag, dict) else None
    if not ref or not ref.get("model"):
        return ""
    try:
        return reverse("partnerships:record", args=[ref["model"], ref["id"]])
    except NoReverseMatch:
        return ""


@register.filter
def flag_text(flag) -> str:
    """A flag in the reader's language (`evaluation.codes.FLAG_WORDING`)."""
    return codes.flag_text(flag)


@register.filter
def rating_label(rating) -> str:
    """A rating's name in the reader's language (“Orange” for amber in French)."""
    return Rating(rating).label if rating in Rating.values else rating


@register.filter
def status_label(status) -> str:
    return codes.status_label(status)
