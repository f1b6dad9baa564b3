"""Executives land on the portfolio dashboard; everyone else keeps their home."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_executive_is_sent_to_the_dashboard(client, erin):
    client.force_login(erin)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:portfolio")


@pytest.mark.parametrize("who", ["alice", "rita"])
def test_a_manager_or_reviewer_keeps_the_home_page(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Partnership portfolio" in response.content


@pytest.mark.parametrize("who", ["erin", "alice", "rita"])
def test_the_menu_offers_the_dashboards_to_whoever_reads_partnerships(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("dashboards:partnership_list"))
    assert f'href="{reverse("dashboards:portfolio")}">Dashboards<' in response.content.decode()


def test_someone_without_a_role_gets_no_dashboard(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get(reverse("dashboards:portfolio")).status_code == 403
    assert client.get(reverse("dashboards:portfolio_csv")).status_code == 403
