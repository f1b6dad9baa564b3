from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Calendar feeds"

    def ready(self):
        from accounts.hooks import credentials_ended

        from .feeds import feed_revoke

        credentials_ended.register(feed_revoke)
