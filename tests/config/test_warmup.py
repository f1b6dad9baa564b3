"""A web process does its first-request work as it starts: the application
gunicorn loads has imported every view and read the static manifest, without
touching the database or the cache (which may not be up yet), and compiled
the widget templates every form draws."""

import os
import subprocess
import sys

from django.conf import settings
from django.forms.renderers import get_default_renderer

from config.warmup import WIDGETS, warm_up

PROBE = """
import sys
import config.wsgi
from django.urls import get_resolver
from django.utils import translation
print("views", all(m in sys.modules for m in ("dashboards.views_detail", "partnerships.views")))
print("pdf", "fpdf" in sys.modules)
with translation.override("fr"):
    print("reverse", bool(get_resolver()._reverse_dict.get("fr")))
"""


def test_loading_the_application_imports_every_view_without_a_database():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x",
        "DEBUG": "false",
        # Nothing listens there: the warm-up must not need it.
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["views", "True", "pdf", "True", "reverse", "True"]


def test_the_widgets_every_form_draws_are_compiled_before_the_first_request():
    environment = get_default_renderer().jinja2.engine.env
    environment.cache.clear()
    warm_up()
    compiled = {key[1] for key in environment.cache}
    assert {f"django/forms/widgets/{name}.html" for name in WIDGETS} <= compiled
