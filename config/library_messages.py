"""Words of the libraries' admin pages that their own catalogues lack in our languages.

Django's admin has no Portuguese for "View"; django-axes has no Spanish or
Portuguese; django-celery-beat has no Portuguese (and misspells some French).
Marked here, `make messages` gathers them into locale/, which Django reads
before any library's catalogue, so an administrator's admin index names every
section in their language. Nothing imports this module: it is only read.
"""

from django.utils.translation import gettext_noop

LIBRARY_MESSAGES = [
    # django.contrib.admin: the index's link to a read-only list.
    gettext_noop("View"),
    # django-axes: its models.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # django-celery-beat: its app and models.
    gettext_noop("Periodic Tasks"),
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("clocked"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
]
