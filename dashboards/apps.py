from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from evaluation.hooks import scorecard_returned, scorecards_changed
        from partnerships.hooks import portfolio_changed

        from .cache import bump_generation
        from .readmodel import refresh, refresh_returned

        # The read model first, then the cache: a page computed in between is
        # computed from the new rows, whichever generation it is cached under.
        scorecards_changed.register(refresh)
        scorecard_returned.register(refresh_returned)
        portfolio_changed.register(refresh)
        # A cached portfolio must not outlive the scorecards or records it shows.
        scorecards_changed.register(bump_generation)
        scorecard_returned.register(bump_generation)
        portfolio_changed.register(bump_generation)
