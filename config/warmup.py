"""What a web process does once as it starts, rather than in its first requests.

Django imports the URLconf (and through it every app's views, the PDF library
among them), fills each language's reverse-lookup table, loads the
translation catalogues and compiles the base layout lazily, in the first
requests a process serves: about a second on a small machine, paid by
whoever comes first after a deploy or a worker's restart, and by every
request queued behind it. `config.wsgi` calls `warm_up` as gunicorn loads
the application into each worker, before the worker accepts a connection.
It reads no database and no cache.
"""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import get_default_renderer
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

WIDGETS = ("input", "text", "select", "select_option", "textarea", "checkbox", "hidden", "attrs")


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - one table per language
    get_template("base.html")  # compiles the layout and loads its tag libraries
    renderer = get_default_renderer()  # the widgets every form draws (core/renderers.py)
    for widget in WIDGETS:
        renderer.get_template(f"django/forms/widgets/{widget}.html")
    staticfiles_storage.location  # noqa: B018 - reads the manifest of hashed names
