"""One address per record: `/records/<app.model>/<id>/` leads to the page where
that record is read. A flag or a reminder stores only the model and the id, so
its link is decided here, without a query per flag. Each app registers the
pages of its own records (a lower app cannot know an upper one's pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.utils.translation import gettext

_pages: dict[str, Callable[[int], str]] = {}


def register(label: str, page: Callable[[int], str]) -> None:
    """`page(pk)` gives the address of the record `label` (`app.model`) with
    that id, or raises Http404 when there is none."""
    _pages[label] = page


def address(label: str, pk: int) -> str:
    try:
        page = _pages[label]
    except KeyError:
        raise Http404(gettext("No page shows records of this kind.")) from None
    return page(pk)
