"""The facts a fit assessment computes rather than asks: prior partnerships with
the same partners and how they went, the languages we share, and the office
hours we have in common across the time zones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from evaluation.models import Scorecard, sees_provisional
from partnerships.geography import language_name, shared_working_hours
from partnerships.models import Partner, Partnership


def organisation_languages() -> list[str]:
    # Until the setting exists everywhere, English: the language Accord is written in.
    return list(settings.ACCORD_ORGANISATION_LANGUAGES)


@dataclass(frozen=True)
class LanguagesShared:
    # Per partner, the languages it shares with us (ISO 639-1 codes).
    by_partner: dict[str, list[str]]
    # The languages every partner and we work in: a meeting of all in one language.
    common: list[str]

    def in_words(self) -> str:
        if not self.by_partner:
            return _("No partner yet.")
        none_shared = _("none shared")
        parts = [
            f"{name}: {', '.join(map(language_name, codes)) or none_shared}"
            for name, codes in self.by_partner.items()
        ]
        common = ", ".join(map(language_name, self.common)) or _("none")
        return _("%(parts)s. Common to all: %(common)s.") % {
            "parts": "; ".join(parts),
            "common": common,
        }


def languages_shared(partners: dict[str, Sequence[str]], ours: Sequence[str]) -> LanguagesShared:
    """`partners` maps each partner's name to its languages."""
    ours_set = set(ours)
    by_partner = {name: sorted(ours_set & set(langs)) for name, langs in partners.items()}
    common = set(ours_set)
    for codes in by_partner.values():
        common &= set(codes)
    return LanguagesShared(by_partner, sorted(common) if by_partner else [])


def hours_shared(zones: Iterable[str], *, ours: str, on: dt.date) -> float:
    """Office hours (09:00–17:00 local) we and every partner have in common on `on`."""
    shared = shared_working_hours([ours, *zones], on=on)
    return round(shared.hours, 2) if shared else 0.0


def prior_partnerships(partnership: Partnership, *, reader) -> list[dict]:
    """Our other partnerships with any of the same partners, ended or running,
    with their stage and the rating of their latest scorecard `reader` may rely
    on: a manager the approved or not yet reviewed (never a returned one), an
    executive the approved only (`sees_provisional`, as on every page): one query."""
    latest = (
        Scorecard.objects.filter(partnership=OuterRef("pk"))
        .reliable(provisional=sees_provisional(reader))
        .with_shown_rating()
        .order_by("-period_start")
    )
    rows = (
        Partnership.objects.filter(members__partner__in=partnership.members.values("partner"))
        .exclude(pk=partnership.pk)
        .annotate(
            last_rating=Subquery(latest.values("shown_rating")[:1]),
        )
        .distinct()
        .order_by("-created_at")
    )
    return [
        {
            "id": row.pk,
            "title": row.title,
            "stage": row.get_stage_display(),
            "rating": row.last_rating or "",
        }
        for row in rows
    ]


def facts(partnership: Partnership, *, today: dt.date, reader) -> dict:
    """The computed facts as they read today for `reader`, ready to keep with
    an assessment."""
    partners = list(Partner.objects.filter(memberships__partnership=partnership).order_by("name"))
    languages = languages_shared(
        {partner.name: partner.languages for partner in partners}, organisation_languages()
    )
    ours = settings.ACCORD_ORGANISATION_TIME_ZONE
    hours = hours_shared([str(partner.time_zone) for partner in partners], ours=ours, on=today)
    return {
        "on": today.isoformat(),
        "prior": prior_partnerships(partnership, reader=reader),
        "languages": {"by_partner": languages.by_partner, "common": languages.common},
        "languages_in_words": languages.in_words(),
        # The partners' zones beside ours: a partner in our own zone adds none.
        "time_zones": sorted({str(partner.time_zone) for partner in partners} - {ours}),
        "our_time_zone": ours,
        "shared_hours": hours,
    }
