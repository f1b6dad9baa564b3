"""A web process compiles what its first requests would otherwise compile."""

from django.forms.renderers import get_default_renderer

from config.warmup import WIDGETS, warm_up


def test_the_widgets_every_form_draws_are_compiled_before_the_first_request():
    environment = get_default_renderer().jinja2.engine.env
    environment.cache.clear()
    warm_up()
    compiled = {key[1] for key in environment.cache}
    assert {f"django/forms/widgets/{name}.html" for name in WIDGETS} <= compiled
