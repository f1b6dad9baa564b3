"""The portfolio dashboard: the executives' home page, and its exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.charts import RATING_COLOURS, chart, world_map
from core.formatting import short_month
from evaluation.models import Rating, Trend
from partnerships.geography import Continent
from partnerships.models import Benefit, Purpose, Sector

from . import export_jobs, exports_portfolio
from .cache import cached_portfolio
from .filters import NOT_RATED
from .forms import link_query, portfolio_filters
from .models import ExportFormat, ExportJob, ExportStatus
from .portfolio import portfolio_summary

RATING_LABELS = {**dict(Rating.choices), NOT_RATED: _("Not rated")}
SPANNED_LABELS = {"1": _("One sector"), "2": _("Two sectors"), "3": _("Three or more")}
# The filters a partnership can match with several values at once (its members').
MEMBER_DIMENSIONS = {"country", "region", "sector"}
TREND_MARKS = {Trend.UP: "▲", Trend.DOWN: "▼", Trend.FLAT: "▬", Trend.NEW: _("new")}


@permission_required("partnerships.view_partnership", raise_exception=True)
def portfolio(request):
    form, data = portfolio_filters(request.GET, user=request.user)
    today = timezone.localdate()
    # The tiles and charts are the page's whole cost: Redis keeps them rendered
    # (and signed), so a warm request renders only the frame and the filters.
    body = cached_portfolio(data, today, lambda: _portfolio_body(data, today))
    return render(
        request,
        "dashboards/portfolio.html",
        {"form": form, "body": body, "export_query": urlencode(link_query(data))},
    )


def _portfolio_body(data: dict, today) -> str:
    summary = portfolio_summary(data=data, today=today)
    query = link_query(data)
    list_url = reverse("dashboards:partnership_list")

    def listed(**narrower) -> str:
        # A partnership has members in several countries, regions and sectors:
        # under ?country=KE the map's United States counts those with members
        # in both, which one value per filter cannot list, so that mark leads
        # nowhere rather than to every partnership in the United States.
        if any(
            key in MEMBER_DIMENSIONS and key in query and query[key] != str(value)
            for key, value in narrower.items()
        ):
            return ""
        return f"{list_url}?{urlencode({**query, **narrower})}"

    colour = data.get("colour") or "count"
    return render_to_string(
        "dashboards/_portfolio_body.html",
        {
            "summary": summary,
            "filtered": bool(query),
            "provisional": bool(data.get("provisional")),
            "colour": colour,
            "colour_links": {
                value: "?" + urlencode({**query, "colour": value}) for value in ("count", "score")
            },
            "family_links": {family: listed(family=family) for family in ("potential", "ended")}
            | {stage: listed(stage=stage) for stage in ("active", "struggling")},
            "rating_rows": [
                (RATING_LABELS[r], summary["ratings"].get(r, 0), listed(rating=r), r)
                for r in [*Rating.values, NOT_RATED]
            ],
            "charts": _charts(summary, listed, colour=colour),
        },
    )


def _stacked_by_rating(table: dict, labels: dict, listed, key: str, title: str) -> dict:
    """A breakdown as one bar per category, split by rating."""
    present = [code for code in labels if code in table]
    return chart(
        "horizontal-bar",
        [str(labels[code]) for code in present],
        [
            {
                "label": RATING_LABELS[rating],
                "data": [table[code].get(rating, 0) for code in present],
                "color": RATING_COLOURS[rating],
            }
            for rating in [*Rating.values, NOT_RATED]
        ],
        title=title,
        links=[listed(**{key: code}) for code in present],
        unit=_("partnerships"),
        stacked=True,
    )


def _charts(summary: dict, listed, *, colour: str) -> dict:
    trend = summary["rating_trend"]
    ranked = [*summary["best"], *summary["worst"]]
    countries = summary["countries"]
    return {
        "ratings": chart(
            "doughnut",
            [RATING_LABELS[r] for r in [*Rating.values, NOT_RATED]],
            [
                {
                    "label": _("Partnerships"),
                    "data": [summary["ratings"].get(r, 0) for r in [*Rating.values, NOT_RATED]],
                    "colors": [RATING_COLOURS[r] for r in [*Rating.values, NOT_RATED]],
                }
            ],
            title=_("Latest ratings"),
            links=[listed(rating=r) for r in [*Rating.values, NOT_RATED]],
            unit=_("partnerships"),
        ),
        "rating_trend": chart(
            "bar",
            [short_month(start) for start in trend],
            [
                {
                    "label": RATING_LABELS[r],
                    "data": [trend[start].get(r, 0) for start in trend],
                    "color": RATING_COLOURS[r],
                }
                for r in Rating.values
            ],
            title=_("Ratings by month"),
            links=[listed(period=start.strftime("%Y-%m"), scored="1") for start in trend],
            unit=_("scorecards"),
            stacked=True,
        ),
        "map": world_map(
            {code: values[colour] for code, values in countries.items()},
            title=(
                _("Where our partners are: partnerships per country")
                if colour == "count"
                else _("Where our partners are: average latest score")
            ),
            label=_("Partnerships") if colour == "count" else _("Average score"),
            links={code: listed(country=code) for code in countries},
        ),
        "by_sector": _stacked_by_rating(
            summary["by_sector"], dict(Sector.choices), listed, "sector", _("By partner sector")
        ),
        "by_spanned": _stacked_by_rating(
            summary["by_spanned"], SPANNED_LABELS, listed, "spanned", _("By sectors spanned")
        ),
        "by_region": _stacked_by_rating(
            summary["by_region"], dict(Continent.choices), listed, "region", _("By region")
        ),
        "by_purpose": _stacked_by_rating(
            summary["by_purpose"], dict(Purpose.choices), listed, "purpose", _("By purpose")
        ),
        "by_benefit": _stacked_by_rating(
            summary["by_benefit"], dict(Benefit.choices), listed, "benefit", _("By benefit sought")
        ),
        "ranked": chart(
            "horizontal-bar",
            [f"{Truncator(row['title']).chars(40)} {TREND_MARKS[row['trend']]}" for row in ranked],
            [
                {
                    "label": _("Overall score"),
                    "data": [row["score"] for row in ranked],
                    "colors": [RATING_COLOURS[row["rating"]] for row in ranked],
                }
            ],
            title=_("Best and worst: latest score and trend"),
            links=[reverse("partnerships:partnership_detail", args=[row["id"]]) for row in ranked],
            suggested_max=100,
        ),
    }


@permission_required("partnerships.view_partnership", raise_exception=True)
def portfolio_export(request, fmt: str):
    """The file at once; for a portfolio too large to write within a request,
    a page that offers to have the worker write it (a GET changes nothing)."""
    _, data = portfolio_filters(request.GET, user=request.user)
    size = export_jobs.export_size(data)
    if size <= export_jobs.in_request_rows():
        return exports_portfolio.response(data, fmt=fmt)
    filters = link_query(data)
    return render(
        request,
        "dashboards/export_offer.html",
        {
            "fmt": fmt,
            "size": size,
            "filters": filters,
            "query": urlencode(filters),
            "kept_for": export_jobs.KEPT_FOR,
        },
    )


@require_POST
@permission_required("partnerships.view_partnership", raise_exception=True)
def export_job_create(request):
    fmt = request.POST.get("fmt")
    if fmt not in ExportFormat.values:
        return _refused(request, gettext("Choose CSV or XLSX."))
    form, data = portfolio_filters(request.POST, user=request.user)
    if not form.is_valid():
        # The offer carries filters the portfolio accepted: these were changed
        # since, or by hand. Refused, rather than export the whole portfolio.
        return _refused(
            request,
            gettext(
                "These filters are not valid now: go back to the portfolio and choose them again."
            ),
        )
    job = export_jobs.export_job_start(fmt=fmt, filters=link_query(data), user=request.user)
    return redirect("dashboards:export_job", pk=job.pk)


def _refused(request, why: str):
    """An export that cannot be asked for: why, within the site's frame."""
    return render(request, "dashboards/export_refused.html", {"why": why}, status=400)


def _own_job(request, pk) -> ExportJob | None:
    # Only whoever asked for it, while they may still read the portfolio:
    # someone else's job is as absent as one deleted, so none can be guessed at.
    return ExportJob.objects.filter(pk=pk, created_by=request.user.pk).first()


# htmx stops polling on this status (a deleted job will not come back).
STOP_POLLING = 286


@permission_required("partnerships.view_partnership", raise_exception=True)
def export_job(request, pk):
    """The export the worker is writing: its progress, then its file."""
    job = _own_job(request, pk)
    if job is None:
        if request.headers.get("HX-Request"):
            return HttpResponse(status=STOP_POLLING)
        return render(
            request,
            "dashboards/export_gone.html",
            {"kept_for": export_jobs.KEPT_FOR},
            status=404,
        )
    context = {
        "job": job,
        "download_name": export_jobs.download_name(job),
        "query": urlencode(job.filters),
        "stalled": export_jobs.is_stalled(job),
        "kept_for": export_jobs.KEPT_FOR,
    }
    if request.headers.get("HX-Request"):
        # Polled while the job is under way; once it ends the whole page reloads.
        response = render(request, "dashboards/_export_progress.html", context)
        if not job.is_under_way:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "dashboards/export_job.html", context)


@permission_required("partnerships.view_partnership", raise_exception=True)
def export_job_file(request, pk):
    job = _own_job(request, pk)
    if job is None:
        raise Http404
    if job.status != ExportStatus.DONE:
        raise Http404(gettext("This export is not ready."))
    try:
        file = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(gettext("The file is missing from storage.")) from error
    return FileResponse(
        file,
        as_attachment=True,
        filename=export_jobs.download_name(job),
        content_type=exports_portfolio.CONTENT_TYPES[job.fmt],
    )
