from django import template
from django.urls import NoReverseMatch, reverse

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


STATUS_LABELS = {
    "on_track": "On track",
    "behind": "Behind",
    "off_track": "Off track",
    "no_target": "No target",
    "no_data": "No data",
    "not_due": "Not yet due",
}


@register.filter
def status_label(status) -> str:
    return STATUS_LABELS.get(status, "—")
