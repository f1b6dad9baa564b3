"""A partner picker that does not list the partners: a search box whose matches
the server sends as you type (`partner_search`), over a hidden input holding
the chosen partner's id. The page stays the same size with ten partners or
ten thousand; `static/js/partner_picker.js` puts a chosen match in the input.
With `partnership` (an id) it searches that partnership's members only, as an
agreement's party picker does.
"""

from django import forms
from django.template.loader import render_to_string

from core.numbers import plain_int

from .models import Partner


class PartnerPicker(forms.Widget):
    def __init__(self, attrs=None, *, partnership: int | None = None):
        super().__init__(attrs)
        self.partnership = partnership

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        label = ""
        # The chosen partner's name: one query for a filled row, none for an
        # empty one, nor for a value that is no id (a forged post, refused by
        # the field next to which the picker shows it).
        if (pk := plain_int(value)) is not None:
            chosen = Partner.objects.filter(pk=pk).values_list("name", "country").first()
            label = f"{chosen[0]} ({chosen[1]})" if chosen else ""
        return render_to_string(
            "partnerships/partners/_picker.html",
            {
                "name": name,
                "value": "" if value is None else value,
                "label": label,
                "id": attrs.get("id", ""),
                "invalid": "is-invalid" in attrs.get("class", "")
                or attrs.get("aria-invalid") in (True, "true"),
                "describedby": attrs.get("aria-describedby", ""),
                "autofocus": bool(attrs.get("autofocus")),
                "partnership": self.partnership,
            },
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)
