from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def flag_url(flag) -> str:
    """Where the record behind a flag can be read (its admin page until the
    partnership pages exist); empty when the flag names none."""
    ref = flag.get("ref") if isinstance(flag, dict) else None
    if not ref or not ref.get("model"):
        return ""
    app_label, model = ref["model"].split(".")
    try:
        return reverse(f"admin:{app_label}_{model}_change", args=[ref["id"]])
    except NoReverseMatch:
        return ""
