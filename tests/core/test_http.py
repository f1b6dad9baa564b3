"""A refused POST answers 400 on every page, from one rule (`core.http.form_status`)."""

import pytest
from django.test import RequestFactory

from core.http import form_status


@pytest.mark.parametrize(
    ("method", "refused", "status"),
    [
        ("get", True, 200),  # a form shown, not yet posted
        ("head", True, 200),
        ("post", True, 400),  # a POST answered with its form again was refused
        ("post", False, 200),  # accepted, and shown once (a token's secret)
    ],
)
def test_it_answers_400_to_a_refused_post_only(method, refused, status):
    request = getattr(RequestFactory(), method)("/")
    assert form_status(request, refused=refused) == status


def test_a_post_answered_with_its_page_is_a_refusal_by_default():
    assert form_status(RequestFactory().post("/")) == 400
