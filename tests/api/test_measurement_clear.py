"""Clearing a recorded value through the API, as emptying its grid cell does:
for those who may edit the partnership, refused when stale, its history kept."""

import pytest

from accounts.models import Role
from partnerships.models import Measurement
from tests.api.conftest import if_match
from tests.factories import user_with_role


@pytest.fixture
def value(ours):
    return Measurement.objects.filter(metric__objective__partnership=ours).order_by("pk").first()


def url(measurement):
    return f"/api/v1/measurements/{measurement.pk}/"


def test_an_owner_clears_a_value_and_its_history_names_her(client_for, alice, value):
    client = client_for(alice)
    etag = client.get(url(value))["ETag"]
    response = client.delete(url(value), HTTP_IF_MATCH=etag)
    assert response.status_code == 204
    assert not Measurement.objects.filter(pk=value.pk).exists()
    cleared = Measurement.pgh_event_model.objects.get(pgh_obj_id=value.pk, pgh_label="delete")
    assert (cleared.value, cleared.pgh_context["user"]) == (value.value, alice.pk)


def test_a_value_changed_since_it_was_read_is_kept(client_for, alice, value):
    client = client_for(alice)
    etag = client.get(url(value))["ETag"]
    Measurement.objects.filter(pk=value.pk).update(value=99, version=value.version + 1)
    response = client.delete(url(value), HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Measurement.objects.get(pk=value.pk).value == 99


@pytest.mark.parametrize("who", ["erin", "rita", "another manager"])
def test_those_who_may_not_edit_the_partnership_clear_nothing(client_for, request, who, value):
    if who == "another manager":
        user = user_with_role("dora", Role.MANAGER, first_name="Dora")
    else:
        user = request.getfixturevalue(who)
    response = client_for(user).delete(url(value), **if_match(value))
    assert response.status_code == 403
    assert Measurement.objects.filter(pk=value.pk).exists()


def test_a_read_only_token_clears_nothing(client_for, alice, value):
    response = client_for(alice, scope="read").delete(url(value), **if_match(value))
    assert response.status_code == 403
    assert Measurement.objects.filter(pk=value.pk).exists()
