from django import template

from evaluation.models import sees_provisional as _sees_provisional

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_provisional(context) -> bool:
    """For partials included from pages outside the dashboards: the same rule."""
    return _sees_provisional(context["request"].user)
