"""A person's calendar feed: a secret address their calendar program subscribes to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels


class CalendarFeed(ChoiceLabels):
    """One feed per person. The address's secret is stored as its SHA-256 only,
    so a copy of the database does not open anyone's feed; deleting the row
    revokes it. Its times are in the person's time zone (their Preferences)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),
                name="calendar_feed_hash_sha256",
            ),
        ]

    def __str__(self):
        return gettext("Calendar feed of %(person)s") % {"person": self.user}
