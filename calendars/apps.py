from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Calendar feeds")

    def ready(self):
        from accounts.hooks import credentials_ended

        from .feeds import feed_revoke

        credentials_ended.register(feed_revoke)
