from django import forms

from dashboards.templatetags.dashboard_forms import select_options


class Filters(forms.Form):
    country = forms.ChoiceField(choices=[("", "Any"), ("KE", "Kenya"), ("CI", "Côte d'Ivoire")])


def test_the_options_mark_the_chosen_one_and_escape_labels():
    html = str(select_options(Filters({"country": "KE"})["country"]))
    assert html == (
        '<option value="">Any</option>'
        '<option value="KE" selected>Kenya</option>'
        '<option value="CI">Côte d&#x27;Ivoire</option>'
    )


def test_nothing_chosen_selects_the_empty_choice():
    html = str(select_options(Filters()["country"]))
    assert html.startswith('<option value="" selected>Any</option>')
    assert html.count("selected") == 1
