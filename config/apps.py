from django.contrib.admin.apps import AdminConfig


class AccordAdminConfig(AdminConfig):
    """The Django admin with Accord's site: open to administrators only."""

    default_site = "config.admin.AccordAdminSite"

    def ready(self):
        super().ready()
        # Replaces django-celery-beat's periodic-task admin (registered by the
        # autodiscovery above) with one that offers only Accord's tasks.
        from . import schedules  # noqa: F401
