from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """What calls for a reminder (agreements, obligations, metrics, reviews),
    delivered through the inbox of `notifications`."""

    name = "reminders"

    def ready(self):
        from evaluation.hooks import scorecard_returned

        from .tasks import queue_scorecard_returned

        scorecard_returned.register(queue_scorecard_returned)
