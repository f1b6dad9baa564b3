"""Personal API tokens and the stored answers of idempotent writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels
from core.text import refuse_unshown_name


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, now):
        """Neither revoked nor expired at `now`."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(ChoiceLabels):
    """A personal token: a client acts as its user, within the token's scope.

    Only the SHA-256 of the secret is stored; the secret is shown once, when the
    token is created, and its first characters (`prefix`) name it afterwards.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text=_("What the token is for, e.g. “M&E sync”."))
    scope = models.CharField(max_length=20, choices=TokenScope, default=TokenScope.READ)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_blank"),
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_sha256"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def clean(self):
        # Listed on the tokens page and named when revoked: a name of invisible
        # characters alone would read as blank there.
        refuse_unshown_name(self, "name")

    @property
    def allows_writes(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class IdempotentRequest(ChoiceLabels):
    """A POST made with an `Idempotency-Key`, and the answer it got.

    Saved in the write's own transaction, so either both the rows and this
    record exist or neither does; a retry with the same key and the same request
    gets the stored answer back, with the headers that belong to it (its
    `ETag`, its `Location`), and writes nothing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    # {"ETag": …} as the first answer had them (`idempotency.REPLAYED_HEADERS`);
    # an answer stored before they were kept replays without them.
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once"),
        ]

    def __str__(self):
        return self.key
