"""How forms draw their widgets: Django's own widget templates, through Jinja2.

Django ships each of its widget templates twice, for its own engine and for
Jinja2, and they write the same HTML. Through Django's engine a select costs
an `{% include %}` per option, and the attributes another each: a list's
filters with the countries, or a partner's form with the countries and the
time zones, spent half the page's time drawing options (about 70 µs each).
Jinja2 draws them in a fraction of that.

Every other template a form asks for (the admin's widgets, a form's or a
field's layout) goes on through Django's engine, as before: only the
templates Django ships for both engines change hands.
"""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.utils.functional import cached_property

BOTH_ENGINES = "django/forms/widgets/"


class FirstErrorFocused(BoundField):
    """A field of a refused form; the first one in error (of those a person
    sees) is drawn with `autofocus`, so the page sent back puts the cursor
    on it: someone on a keyboard or a screen reader starts at what to mend,
    not at the top of the page. Of several refused forms (a formset's rows)
    the browser focuses the first in the page."""

    @property
    def takes_focus(self) -> bool:
        """Whether this is the field to mend (for templates that draw their inputs by hand)."""
        return bool(self.form.errors) and self.name == field_to_mend(self.form)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.takes_focus:
            attrs.setdefault("autofocus", True)
        return attrs


def field_to_mend(form) -> str | None:
    """The name of the refused form's first visible field with an error, in the
    order drawn; when it is refused as a whole (someone else's change, a rule
    across fields: a message at the top of the form), its first visible field,
    which the message stands above."""
    visible = [name for name, field in form.fields.items() if not field.widget.is_hidden]
    for name in visible:
        if name in form.errors:
            return name
    return visible[0] if form.errors and visible else None


class WidgetRenderer(BaseRenderer):
    bound_field_class = FirstErrorFocused
    form_template_name = DjangoTemplates.form_template_name
    formset_template_name = DjangoTemplates.formset_template_name
    field_template_name = DjangoTemplates.field_template_name

    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        if template_name.startswith(BOTH_ENGINES):
            return self.jinja2.get_template(template_name)
        return self.django.get_template(template_name)
