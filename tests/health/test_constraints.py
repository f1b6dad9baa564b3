"""Every rule of health checks is also the database's: writes around the services are refused."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from health.models import Answer, Cadence, Factor, FactorComment, Respondent, Round, Statement
from tests.factories import PartnershipFactory
from tests.health.builders import open_round, shipped_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_round(alice):
    return open_round(PartnershipFactory(owner=alice), by=alice, ours=1, partner=1)


def test_a_rating_outside_1_to_5_is_refused(health_round):
    respondent = health_round.respondents.first()
    statement = Statement.objects.filter(factor__instrument=health_round.instrument).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, statement=statement, rating=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, statement=statement, rating=0)


def test_a_statement_is_answered_once_per_respondent(health_round):
    respondent = health_round.respondents.first()
    statement = Statement.objects.filter(factor__instrument=health_round.instrument).first()
    Answer.objects.create(respondent=respondent, statement=statement, rating=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, statement=statement, rating=2)


def test_a_factor_is_commented_once_per_respondent(health_round):
    respondent = health_round.respondents.first()
    factor = Factor.objects.filter(instrument=health_round.instrument).first()
    FactorComment.objects.create(respondent=respondent, factor=factor, text="Good")
    with pytest.raises(IntegrityError), transaction.atomic():
        FactorComment.objects.create(respondent=respondent, factor=factor, text="Bad")


def test_a_partnership_has_one_open_round(health_round, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(
            partnership=health_round.partnership,
            instrument=health_round.instrument,
            opened_on=dt.date(2026, 2, 1),
            closes_on=dt.date(2026, 2, 20),
            opened_by=alice,
        )


def test_a_round_closes_after_it_opens_and_closed_means_a_time(alice):
    partnership = PartnershipFactory(owner=alice)
    common = {"partnership": partnership, "instrument": shipped_instrument(), "opened_by": alice}
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(opened_on=dt.date(2026, 2, 1), closes_on=dt.date(2026, 2, 1), **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(
            opened_on=dt.date(2026, 2, 1), closes_on=dt.date(2026, 2, 9), state="closed", **common
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(
            opened_on=dt.date(2026, 2, 1),
            closes_on=dt.date(2026, 2, 9),
            closed_at=timezone.now(),
            **common,
        )


def test_our_side_is_a_user_and_the_partners_an_address(health_round, alice):
    partner_respondent = health_round.respondents.get(side="partner")
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(round=health_round, side="ours", email="x@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(round=health_round, side="partner", user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(
            round=health_round, side="partner", email="", partner=partner_respondent.partner
        )


def test_a_person_is_invited_once_per_round(health_round):
    ours = health_round.respondents.get(side="ours")
    partner = health_round.respondents.get(side="partner")
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(round=health_round, side="ours", user=ours.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Respondent.objects.create(
            round=health_round,
            side="partner",
            email=partner.email.upper(),
            partner=partner.partner,
        )


def test_a_cadence_is_between_1_and_24_months(alice):
    partnership = PartnershipFactory(owner=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadence.objects.create(partnership=partnership, every_months=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadence.objects.create(partnership=partnership, every_months=25)


def test_a_published_instrument_is_never_changed_in_the_database():
    instrument = shipped_instrument()
    statement = Statement.objects.filter(factor__instrument=instrument).first()
    for sql, params in [
        ("UPDATE health_statement SET text = 'Changed' WHERE id = %s", [statement.pk]),
        ("DELETE FROM health_statement WHERE id = %s", [statement.pk]),
        ("UPDATE health_factor SET name = 'Changed' WHERE id = %s", [statement.factor_id]),
        ("UPDATE health_instrument SET strength_from = 3.5 WHERE id = %s", [instrument.pk]),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    statement.refresh_from_db()
    assert statement.text != "Changed"


def test_a_draft_changes_freely_and_a_published_row_written_back_unchanged_passes():
    from health import services

    draft = services.instrument_new_version(instrument=shipped_instrument())
    Statement.objects.filter(factor__instrument=draft).update(text="Reworded in the draft.")
    shipped = shipped_instrument()
    shipped.save()  # the same content: nothing changes, nothing is refused
    factor = Factor.objects.filter(instrument=shipped).first()
    factor.save()
    assert Statement.objects.filter(text="Reworded in the draft.").count() == 27


@pytest.mark.parametrize("model", [Factor, Statement])
def test_translations_are_an_object_of_languages(model):
    from health import services

    draft = services.instrument_new_version(instrument=shipped_instrument())
    row = model.objects.filter(pk__in=rows_in(draft, model)).first()
    for malformed in (["fr", 1], "Confiance", 3, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(translations=malformed)
    model.objects.filter(pk=row.pk).update(translations={"fr": "Confiance"})


def rows_in(draft, model):
    if model is Factor:
        return draft.factors.values("pk")
    return Statement.objects.filter(factor__instrument=draft).values("pk")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_new_versions_of_an_instrument_made_at_once_refuse_the_second_in_words():
    """Both number theirs after the latest version; the second is refused as
    the check refuses it, not with a server error, and no draft is doubled."""
    from django.core.exceptions import ValidationError

    from health import services
    from health.models import Instrument
    from tests.locks import second_while_first_commits

    shipped = shipped_instrument()
    refused = second_while_first_commits(
        lambda: services.instrument_new_version(instrument=shipped),
        lambda: services.instrument_new_version(instrument=shipped),
    )
    assert isinstance(refused, ValidationError), repr(refused)
    assert refused.messages == ["This instrument already has a version with this number."]
    assert Instrument.objects.filter(name__iexact=shipped.name).count() == 2
