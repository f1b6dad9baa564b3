from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        from evaluation.hooks import scorecards_changed
        from partnerships.hooks import portfolio_changed

        from .cache import bump_generation

        # A cached portfolio must not outlive the scorecards or records it shows.
        scorecards_changed.register(bump_generation)
        portfolio_changed.register(bump_generation)
