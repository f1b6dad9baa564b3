import datetime as dt

import pytest
import time_machine
from django.utils.translation import trans_real
from rest_framework.test import APIClient

from api.conditional import etag_of
from api.tokens import token_create
from evaluation import services as evaluation_services
from evaluation.models import Scorecard
from partnerships.models import PartnershipLead
from tests.factories import PartnershipFactory, partnership_with_data

OCTOBER = dt.date(2025, 10, 1)


@pytest.fixture
def client_for(db):
    """An API client signed in with a new personal token of `user`."""

    def make(user, scope="read_write", **fields):
        _, secret = token_create(user=user, name="test", scope=scope, **fields)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.secret = secret
        return client

    return make


def if_match(record) -> dict:
    """The If-Match header every write to an existing record needs: `record`'s
    ETag as a GET would answer it now, for tests about something else (the
    ones about If-Match read it through the API: test_conditional.py)."""
    stored = type(record).objects.get(pk=record.pk)
    return {"HTTP_IF_MATCH": etag_of(stored)}


@pytest.fixture
def ours(alice, bob):
    """alice's partnership, bob her dyad co-lead; with data for an assessment."""
    partnership = partnership_with_data(owner=alice, title="Nairobi cardiology exchange")
    PartnershipLead.objects.create(
        partnership=partnership, user=bob, functional_area="administrative"
    )
    return partnership


@pytest.fixture
def theirs(db):
    """A partnership someone else leads."""
    return PartnershipFactory(title="Lima nursing school")


def assess(*partnerships):
    with time_machine.travel(dt.datetime(2025, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        run = evaluation_services.assessment_run_start(period_start=OCTOBER)
        for chunk_id in evaluation_services.assessment_run_pending_chunks(run=run):
            evaluation_services.assessment_chunk_execute(chunk_id=chunk_id)
    return [Scorecard.objects.get(partnership=p, period_start=OCTOBER) for p in partnerships]


@pytest.fixture
def card(ours):
    """The scorecard of alice's partnership, awaiting review."""
    (card,) = assess(ours)
    assert card.review_state == "in_review"
    return card


@pytest.fixture
def translated(monkeypatch):
    """Give `msgid` a translation in `language` for one test: shows that a message
    is looked up in the reader's catalogue, before its translators have written
    it (an untranslated msgid reads as English whether looked up or not)."""

    def give(language, msgid, text):
        catalogue = trans_real.translation(language)
        looked_up = catalogue.gettext
        monkeypatch.setattr(
            catalogue, "gettext", lambda message: text if message == msgid else looked_up(message)
        )

    return give
