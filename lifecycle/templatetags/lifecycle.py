from django import template
from django.utils import timezone

from partnerships import permissions
from partnerships.models import STAGES_BY_FAMILY, StageFamily

from ..models import EarlyWarning, FitAssessment, Lesson, NextStep

register = template.Library()


@register.inclusion_tag("lifecycle/_panel_body.html", takes_context=True)
def lifecycle_panel(context, partnership):
    """What the lifecycle app knows of one partnership: up to four small queries
    (next step or lessons, fit, open warning, and rights unless the page knows them)."""
    ended = partnership.stage in STAGES_BY_FAMILY[StageFamily.ENDED]
    potential = partnership.stage in STAGES_BY_FAMILY[StageFamily.POTENTIAL]
    user = context["request"].user
    return {
        "partnership": partnership,
        "next_step": potential and NextStep.objects.filter(partnership=partnership).first(),
        "fit": FitAssessment.objects.filter(partnership=partnership).first(),
        "warning": EarlyWarning.objects.open()
        .visible_to(user)
        .filter(partnership=partnership)
        .first(),
        "lesson_recorded": ended and Lesson.objects.filter(partnership=partnership).exists(),
        "is_potential": potential,
        "ended": ended,
        # The partnership page knows already whether its reader may edit.
        "can_edit": context["can_edit"]
        if "can_edit" in context
        else permissions.can_edit(user, partnership),
        "today": timezone.localdate(),
    }
