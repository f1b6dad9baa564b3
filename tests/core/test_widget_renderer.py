"""Forms draw Django's widgets through Jinja2 (core.renderers.WidgetRenderer) and
write the HTML Django's own engine writes: the same pages, field for field,
with what was typed, the errors and the choices; the admin's own widgets go on
through Django's engine."""

import datetime as dt
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.urls import reverse

from core.renderers import FirstErrorFocused, WidgetRenderer
from tests.factories import (
    AgreementFactory,
    PartnerFactory,
    partnership_with_data,
)

DJANGOS = "tests.core.test_widget_renderer.DjangosEngine"


class DjangosEngine(DjangoTemplates):
    """Django's own engine for every template, with our fields (which only add
    `autofocus` to a refused form's first field in error): what differs is
    then the engine alone."""

    bound_field_class = FirstErrorFocused


def same(html: str) -> str:
    """The page with what differs from one request to the next taken out
    (the CSRF token, a form's signed snapshot of the row), quotes escaped one
    way (one engine writes &#x27; and &#34;, the other &#39; and &quot;)
    and the blank lines between tags, which the engines' templates lay out
    apart."""
    html = re.sub(r'(name="(?:csrfmiddlewaretoken|snapshot)"[^>]*value=")[^"]*"', r'\1"', html)
    html = re.sub(r'(value=")[^"]*("[^>]*name="(?:csrfmiddlewaretoken|snapshot)")', r"\1\2", html)
    html = re.sub(r">\s+<", "><", html)
    html = re.sub(r"\s+", " ", html)
    return html.replace("&#x27;", "&#39;").replace("&#34;", "&quot;")


class Tricky(forms.Form):
    name = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"autofocus": True}))
    note = forms.CharField(widget=forms.Textarea, required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.SplitDateTimeField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "---"), ("Groups", [("a", "A & <b>"), ("b", "B's")]), ("c", "C")]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", 'Y "quoted"')], required=False)
    boxes = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, required=False
    )
    radio = forms.ChoiceField(choices=[("r", "R"), ("s", "S")], widget=forms.RadioSelect)
    agree = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    ids = forms.MultipleChoiceField(
        choices=[("1", "1"), ("2", "2")], widget=forms.MultipleHiddenInput, required=False
    )
    file = forms.FileField(required=False)
    number = forms.DecimalField(disabled=True, initial=2.5)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "name": "<script>alert('x')</script>",
            "note": "line\n'two' & \"three\"",
            "when": "not a day",
            "moment_0": "2026-12-01",
            "moment_1": "17:30",
            "kind": "a",
            "many": ["x", "y"],
            "boxes": ["2"],
            "radio": "s",
            "agree": "on",
            "hidden": "h'",
            "ids": ["1", "2"],
        },
    ],
    ids=["empty", "typed-and-refused"],
)
def test_each_widget_writes_what_djangos_engine_writes(data):
    initial = {"when": dt.date(2026, 12, 1)} if data is None else None
    jinja = Tricky(data, initial=initial, renderer=WidgetRenderer()).as_div()
    django = Tricky(data, initial=initial, renderer=DjangosEngine()).as_div()
    if data:
        assert "<script>" not in jinja and "selected" in jinja and "errorlist" in jinja
    assert same(jinja) == same(django)


@pytest.mark.django_db
def test_the_form_pages_are_the_same_page(client, alice, superuser):
    partnership = partnership_with_data(owner=alice)
    partner = PartnerFactory(name="Hôpital d'Avicenne")
    agreement = AgreementFactory(partnership=partnership)
    pages = [
        reverse("dashboards:partnership_list") + "?country=FR&stage=active",
        reverse("partnerships:partner_list"),
        reverse("partnerships:partner_create"),
        reverse("partnerships:partner_edit", args=[partner.pk]),
        reverse("partnerships:partnership_create"),
        reverse("partnerships:partnership_edit", args=[partnership.pk]),
        reverse("partnerships:agreement_edit", args=[agreement.pk]),
        reverse("partnerships:partnership_detail", args=[partnership.pk]),
        reverse("partnerships:partnership_stage", args=[partnership.pk]),
    ]
    refused = (reverse("partnerships:partner_create"), {"name": "", "country": "XX"})
    admin = reverse("admin:partnerships_partner_change", args=[partner.pk])

    def read_all():
        client.force_login(alice)
        shown = [client.get(url) for url in pages]
        shown.append(client.post(*refused))
        client.force_login(superuser)
        shown.append(client.get(admin))
        assert [r.status_code for r in shown] == [200] * len(pages) + [400, 200]
        return [same(r.content.decode()) for r in shown]

    ours = read_all()
    with override_settings(FORM_RENDERER=DJANGOS):
        djangos = read_all()
    assert len(ours) == len(djangos) == len(pages) + 2
    for url, mine, theirs in zip([*pages, refused[0], admin], ours, djangos, strict=True):
        assert mine == theirs, url


def test_forms_draw_djangos_widgets_with_jinja2_and_the_rest_with_djangos_engine():
    from django.forms.renderers import get_default_renderer
    from django.template.backends import django as django_backend
    from django.template.backends import jinja2 as jinja2_backend

    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    select = renderer.get_template("django/forms/widgets/select.html")
    assert isinstance(select, jinja2_backend.Template)
    for name in ("admin/widgets/related_widget_wrapper.html", "django/forms/div.html"):
        assert isinstance(renderer.get_template(name), django_backend.Template), name


class Ordered(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first = forms.CharField(required=False)
    second = forms.CharField()
    third = forms.IntegerField()

    def clean(self):
        if self.cleaned_data.get("first") == "stale":
            raise forms.ValidationError("Someone else changed this since you opened it.")
        return self.cleaned_data


@pytest.mark.parametrize(
    ("data", "focused"),
    [
        # The hidden field in error is no place for the cursor: the first visible one is.
        ({"version": "x", "first": "ok", "second": "", "third": "x"}, "second"),
        ({"version": "1", "first": "ok", "second": "ok", "third": "x"}, "third"),
        ({"version": "1", "first": "", "second": "ok", "third": "3"}, None),
        # Refused as a whole: the message heads the form, the cursor goes to its first field.
        ({"version": "1", "first": "stale", "second": "ok", "third": "3"}, "first"),
    ],
)
def test_a_refused_form_puts_the_cursor_on_its_first_field_in_error(data, focused):
    html = Ordered(data, renderer=WidgetRenderer()).as_div()
    assert html.count("autofocus") == (0 if focused is None else 1)
    if focused:
        assert re.search(rf'<input[^>]*name="{focused}"[^>]*autofocus', html)
    assert "autofocus" not in Ordered(renderer=WidgetRenderer()).as_div()


@pytest.mark.django_db
def test_a_refused_page_puts_the_cursor_on_the_first_field_to_mend(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:partnership_create"),
        {
            "title": "Twinning",
            "start_date": "2026-06-01",
            "end_date": "2026-01-01",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-role": "member",
            "leads-TOTAL_FORMS": "0",
            "leads-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The purpose, chosen from a list, is the first field left wrong (of
    # several refused forms on a page, the browser focuses the first).
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", page)
    assert 'name="purpose"' in focused[0]
    assert not any('name="end_date"' in tag for tag in focused)


def test_the_partner_picker_takes_the_focus_in_its_search_box():
    from partnerships.widgets import PartnerPicker

    html = PartnerPicker().render("partner", None, attrs={"id": "id_partner", "autofocus": True})
    assert re.search(r'<input type="search"[^>]*\bautofocus\b', html)
    assert "autofocus" not in PartnerPicker().render("partner", None, attrs={"id": "id_partner"})
