"""The partner side's answer links: they work once, until the round closes,
without an account, and open nothing but the respondent's own form."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from health import services
from health.models import COMMENT_MAX_LENGTH, Answer, Respondent
from partnerships.models import PartnershipMember
from partnerships.services import partnership_member_remove
from tests.factories import MemberFactory, PartnershipFactory
from tests.health.builders import open_round, ratings_for

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(/health/answer/[\w-]+/)")
DURING = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def health_round(alice):
    return open_round(
        PartnershipFactory(owner=alice, title="Nairobi exchange"), by=alice, partner=2
    )


def link_for(respondent) -> str:
    mail.outbox.clear()
    services.invitation_send(respondent_id=respondent.pk)
    return LINK.search(mail.outbox[0].body)[1]


def answers(health_round, **extra):
    data = {f"s{pk}": rating for pk, rating in ratings_for(health_round.instrument, 4).items()}
    return data | extra


UNRATED = "Some statements have no rating yet: they are marked below. What you chose is kept."


def in_french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


@pytest.fixture
def during(time_machine):
    time_machine.move_to(DURING, tick=False)


@pytest.mark.usefixtures("during")
class TestTheLink:
    def test_it_opens_the_form_in_the_respondents_language_without_an_account(
        self, client, health_round
    ):
        respondent = health_round.respondents.first()

        response = client.get(link_for(respondent))

        assert response.status_code == 200
        page = response.content.decode()
        assert "Bilan de santé du partenariat" in page
        assert (
            "Quand l&#x27;autre partie dit qu&#x27;elle fera quelque chose, c&#x27;est fait."
            in page
        )
        assert "Tout à fait d&#x27;accord" in page
        assert "_auth_user_id" not in client.session

    def test_it_works_once(self, client, health_round):
        respondent = health_round.respondents.first()
        link = link_for(respondent)

        first = client.post(link, answers(health_round, comment="Très bien"))
        again = client.get(link)
        second = client.post(link, answers(health_round))

        assert first.status_code == 302
        assert first.url == reverse("health:thanks", args=["fr"])
        assert "Merci" in client.get(first.url).content.decode()
        assert (
            again.status_code == 410 and "Vos réponses sont enregistrées" in again.content.decode()
        )
        assert second.status_code == 410
        assert Answer.objects.filter(respondent=respondent).count() == 27

    def test_a_tampered_link_is_refused_with_a_clear_page(self, client, health_round):
        link = link_for(health_round.respondents.first())
        tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

        response = client.get(tampered)

        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert client.get(reverse("health:answer", args=["not-a-token"])).status_code == 404

    def test_an_earlier_link_stops_working_when_a_new_one_is_sent(self, client, health_round):
        respondent = health_round.respondents.first()
        earlier = link_for(respondent)
        Respondent.objects.filter(pk=respondent.pk).update(emailed_at=None)
        later = link_for(respondent)

        assert client.get(earlier).status_code == 404
        assert client.get(later).status_code == 200

    def test_it_opens_nothing_else(self, client, health_round, alice):
        respondent = health_round.respondents.first()
        client.get(link_for(respondent))
        other = open_round(PartnershipFactory(owner=alice), by=alice, ours=1)

        for url in [
            reverse("partnerships:partnership_detail", args=[health_round.partnership_id]),
            reverse("health:round", args=[health_round.pk]),
            reverse("health:respond", args=[health_round.pk]),
            reverse("health:respond", args=[other.pk]),
            reverse("health:partnership", args=[health_round.partnership_id]),
            reverse("health:mine"),
        ]:
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url

    def test_a_missing_rating_keeps_what_was_typed_and_marks_the_statement(
        self, client, health_round
    ):
        link = link_for(health_round.respondents.first())
        data = answers(health_round, comment="Gardez ceci")
        skipped = next(key for key in data if key.startswith("s"))
        kept = [key for key in data if key.startswith("s")][1]
        data[kept] = 2
        del data[skipped]

        response = client.post(link, data)

        assert response.status_code == 400
        page = response.content.decode()
        assert "Indiquez dans quelle mesure vous êtes d&#x27;accord." in page
        assert in_french(UNRATED) in page
        assert f'id="id_{kept}_1" value="2" checked' in page
        assert "Gardez ceci" in page
        # The cursor starts at the statement left without a rating.
        assert re.findall(r"<[^>]*\bautofocus\b[^>]*>", page) == [
            re.search(rf'<input[^>]*id="id_{skipped}_0"[^>]*>', page)[0]
        ]
        assert not Answer.objects.exists()

    @pytest.mark.parametrize("field", ["comment", "factor"])
    def test_a_refused_comment_is_named_next_to_it_and_the_ratings_are_kept(
        self, client, health_round, field
    ):
        link = link_for(health_round.respondents.first())
        data = answers(health_round)
        name = "comment" if field == "comment" else f"f{health_round.instrument.factors.first().pk}"
        data[name] = "Très bien\x00"
        rated = next(key for key in data if key.startswith("s"))
        data[rated] = 2

        response = client.post(link, data)

        assert response.status_code == 400
        page = response.content.decode()
        refused = in_french("Null characters are not allowed.")
        # The reason follows the comment's own box, and the box points at it.
        assert re.search(
            rf'<textarea[^>]*id="id_{name}"[^>]*aria-describedby="id_{name}_error"[^>]*>'
            rf"Très bien\x00</textarea>\s*"
            rf'<div[^>]*id="id_{name}_error"[^>]*>{re.escape(refused)}</div>',
            page,
        )
        assert in_french(UNRATED) not in page
        assert re.search(rf'<textarea[^>]*id="id_{name}"[^>]*\bautofocus\b', page)
        assert f'id="id_{rated}_1" value="2" checked' in page
        assert not Answer.objects.exists()
        assert not Respondent.objects.filter(answered_at__isnull=False).exists()

    @pytest.mark.parametrize("field", ["comment", "factor"])
    def test_a_comment_over_the_limit_is_refused_next_to_it_and_kept(
        self, client, health_round, field
    ):
        # The page is open to anyone with the link: it took megabytes.
        link = link_for(health_round.respondents.first())
        name = "comment" if field == "comment" else f"f{health_round.instrument.factors.first().pk}"
        typed = "a" * (COMMENT_MAX_LENGTH + 1)

        response = client.post(link, answers(health_round, **{name: typed}))

        assert response.status_code == 400
        page = response.content.decode()
        assert f">{typed}</textarea>" in page
        refused = re.search(rf'<div[^>]*id="id_{name}_error"[^>]*>([^<]*)</div>', page)[1]
        assert "20" in refused and "000" in refused  # at most 20 000 characters, in French
        assert not Answer.objects.exists()
        assert not Respondent.objects.filter(answered_at__isnull=False).exists()

        response = client.post(link, answers(health_round, **{name: typed[1:]}))

        assert response.status_code == 302
        respondent = Respondent.objects.get(answered_at__isnull=False)
        kept = respondent.comment if field == "comment" else respondent.factor_comments.get().text
        assert len(kept) == COMMENT_MAX_LENGTH

    def test_each_page_it_opens_is_labelled_in_the_respondents_language(self, client, health_round):
        # A Spanish-speaking browser opens a link to a French form.
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
        link = link_for(health_round.respondents.first())

        form = client.get(link)
        refused = client.post(link, {})
        sent = client.post(link, answers(health_round))
        thanks = client.get(sent.url)
        again = client.get(link)

        assert [r.status_code for r in (form, refused, thanks, again)] == [200, 400, 200, 410]
        assert [r["Content-Language"] for r in (form, refused, thanks, again)] == ["fr"] * 4
        assert '<html lang="fr">' in form.content.decode()


def test_a_link_expires_when_the_round_closes(client, health_round):
    with time_machine.travel(DURING, tick=False):
        link = link_for(health_round.respondents.first())
    after = dt.datetime.combine(health_round.closes_on + dt.timedelta(days=1), dt.time(9), dt.UTC)
    with time_machine.travel(after, tick=False):
        response = client.get(link)
        refused = client.post(link, answers(health_round))
    assert response.status_code == 410
    assert "Ce bilan de santé est clos" in response.content.decode()
    assert refused.status_code == 410 and not Answer.objects.exists()


@time_machine.travel(DURING, tick=False)
def test_a_closed_rounds_link_no_longer_works(client, health_round):
    link = link_for(health_round.respondents.first())
    services.round_close(health_round=health_round)
    assert client.get(link).status_code == 410


@pytest.mark.usefixtures("during")
@pytest.mark.parametrize("invited", [1, 8])
def test_the_answer_page_costs_the_same_however_many_are_invited(
    client, alice, invited, django_assert_max_num_queries
):
    health_round = open_round(PartnershipFactory(owner=alice), by=alice, partner=invited)
    link = link_for(health_round.respondents.first())
    # savepoint (ATOMIC_REQUESTS), the respondent by its digest with round,
    # partnership and instrument, whether its partner is still a member, the
    # factors, their statements, release savepoint
    with django_assert_max_num_queries(6):
        response = client.get(link)
    assert response.status_code == 200


@pytest.mark.usefixtures("during")
class TestAPartnerTakenOffThePartnership:
    """A partner removed from the partnership after its people were invited:
    their links take no more answers, and they are not reminded."""

    @pytest.fixture
    def removed(self, health_round):
        respondent = health_round.respondents.first()
        link = link_for(respondent)
        member = PartnershipMember.objects.get(
            partnership=health_round.partnership, partner=respondent.partner
        )
        MemberFactory(partnership=health_round.partnership)  # never its last member
        partnership_member_remove(member=member)
        return respondent, link

    def test_the_link_says_so_in_their_language_and_keeps_no_answer(
        self, client, health_round, removed
    ):
        respondent, link = removed

        page = client.get(link)
        posted = client.post(link, answers(health_round))

        assert page.status_code == posted.status_code == 410
        assert in_french("This link no longer takes answers") in page.content.decode()
        assert in_french("This link no longer takes answers") != "This link no longer takes answers"
        assert not Answer.objects.filter(respondent=respondent).exists()
        respondent.refresh_from_db()
        assert respondent.answered_at is None

    def test_the_service_refuses_the_answers(self, health_round, removed):
        respondent, _link = removed
        with pytest.raises(PermissionDenied):
            services.answers_submit(
                respondent=respondent,
                ratings=ratings_for(health_round.instrument, 4),
                today=DURING.date(),
            )
        assert not Answer.objects.filter(respondent=respondent).exists()

    def test_no_reminder_goes_to_them(self, health_round, removed):
        respondent, _link = removed
        mail.outbox.clear()

        assert services.reminder_send(respondent_id=respondent.pk) is False
        assert mail.outbox == []

    def test_a_partner_still_in_it_answers(self, client, health_round):
        respondent = health_round.respondents.first()

        client.post(link_for(respondent), answers(health_round))

        respondent.refresh_from_db()
        assert respondent.answered_at is not None
