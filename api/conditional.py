"""ETags on single records and `If-Match` on writes to them: required (428
without it), refused when stale (412).

A record's ETag comes from its `version` when it has one (optimistic locking),
else from when it last changed, so any change makes the old tag stale.
"""

from __future__ import annotations

import hashlib

from .problems import PreconditionFailed, PreconditionRequired

# What changes whenever a record of this kind changes, when it has no `version`.
CHANGE_MARKS = {
    "scorecard": ("computed_at", "review_state", "reviewed_at", "override_rating"),
}


def etag_of(instance) -> str:
    version = getattr(instance, "version", None)
    if version is not None:
        mark = f"v{version}"
    else:
        names = CHANGE_MARKS.get(instance._meta.model_name, ("updated_at",))
        mark = "|".join(str(getattr(instance, name, "")) for name in names)
    digest = hashlib.sha256(f"{instance._meta.label}:{instance.pk}:{mark}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def check_if_match(request, instance, *, required: bool = True) -> None:
    """Refuse a write made on an older state of `instance` than the stored one.

    Call it on the row locked for the write, so no other write slips between.
    Without `If-Match` the write is refused too (428): a client that read the
    record, waited and wrote would otherwise overwrite, unseen, a change made
    in between, which the pages refuse. `If-Match: *` is the client saying, in
    so many words, that it writes over whatever is stored (RFC 9110).

    `required=False` for a write that overwrites nothing of the record (a
    member added to a partnership): it goes ahead without the header, as the
    page's does; one sent is still the client's condition, and held to.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired()
        return
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" in tags:
        return
    if etag_of(instance) not in tags:
        raise PreconditionFailed()


def with_etag(response, instance):
    response["ETag"] = etag_of(instance)
    return response
