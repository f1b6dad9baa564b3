"""The partnership list: every partnership, narrowed by the filters the
portfolio dashboard shares, so the list behind a chart's mark holds exactly the
partnerships the mark counts. It lives here, above evaluation, because it
filters by the latest rating a reader may rely on."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from partnerships import permissions
from partnerships.models import Partnership, PartnershipMember

from .filters import narrow
from .forms import PartnershipFilterForm


@permission_required("partnerships.view_partnership", raise_exception=True)
def partnership_list(request):
    filters = PartnershipFilterForm(request.GET or None, user=request.user)
    partnerships = (
        Partnership.objects.select_related("owner")
        .with_sectors_spanned()
        .prefetch_related(
            Prefetch("members", queryset=PartnershipMember.objects.select_related("partner"))
        )
        .order_by("title", "pk")
    )
    if filters.is_valid():
        partnerships = narrow(partnerships, filters.cleaned_data)
    page = Paginator(partnerships, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/partnerships/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "can_create": permissions.can_create(request.user),
        },
    )
