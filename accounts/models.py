import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels

from .preferences import validate_time_zone


class Role(models.TextChoices):
    """The roles of Accord; each is a Django group created by a migration.

    A user's rights come only from their roles (accounts/roles.py says which
    permissions each holds); the user admin grants roles, never a single permission.
    """

    EXECUTIVE = "Executive", _("Executive")
    MANAGER = "Partnership manager", _("Manager")
    REVIEWER = "Reviewer", _("Reviewer")
    ADMINISTRATOR = "Administrator", _("Administrator")


class ReminderChannel(models.TextChoices):
    """How a user wants reminders: every reminder lands in the inbox either way."""

    EMAIL = "email", _("Email and inbox")
    # One email a day listing what came since the last one: for someone who
    # leads many partnerships and would otherwise get an email per reminder.
    DIGEST = "digest", _("A daily email of them all, and inbox")
    INBOX = "inbox", _("Inbox only")


# History keeps no password hash (it is kept forever); a change of password is
# an event of its own, without the hash, and so is a second factor reset.
# Signing in moves only last_login, which is not history either.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.UpdateEvent("password_change", condition=pghistory.AnyChange("password")),
    pghistory.DeleteEvent(),
    # An administrator removed their authenticators (accounts.services.user_reset_second_factor).
    pghistory.ManualEvent("second_factor_reset"),
    exclude=["password", "last_login"],
)
class User(ChoiceLabels, AbstractUser):
    # A project-owned user model from the first migration: swapping it later is
    # one of the few Django changes that cannot be migrated cleanly.
    job_title = models.CharField(max_length=120, blank=True, verbose_name=_("job title"))
    functional_area = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("Clinical, administrative, research…: what a dyad pairs."),
        verbose_name=_("functional area"),
    )
    reminder_channel = models.CharField(
        _("reminders"),
        max_length=10,
        choices=ReminderChannel,
        default=ReminderChannel.EMAIL,
        help_text=_("Every reminder reaches your Accord inbox; choose whether it is emailed too."),
    )
    # Blank: the browser's language, and the organisation's time zone.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Dates and times appear in this zone. Leave empty for the organisation's."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_channel__in=ReminderChannel.values),
                name="user_reminder_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language="")
                | models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_language_known",
            ),
        ]
        # Held by the Administrator role alone: the Django admin asks for it
        # (config/admin.py), not for is_staff, which Accord does not use.
        permissions = [("use_admin", "Can open the Django admin")]

    def __str__(self):
        return self.get_full_name() or self.username

    def validate_unique(self, exclude=None):
        # One account per address, whatever the letters' case: signing in by
        # address, the password-reset email and single sign-on (which finds an
        # account by its address) each expect one. The admin saved a second.
        super().validate_unique(exclude)
        # One account per username too, whatever the letters' case: signing in
        # finds it so ("MAYA" is maya), and with two spellings stored it finds
        # neither. The admin's add form asked; its change form did not.
        if (
            not (exclude and "username" in exclude)
            and self.username
            and User.objects.filter(username__iexact=self.username).exclude(pk=self.pk).exists()
        ):
            raise ValidationError(
                {
                    "username": ValidationError(
                        self._meta.get_field("username").error_messages["unique"], code="unique"
                    )
                }
            )
        if (exclude and "email" in exclude) or not self.email:
            return
        taken = User.objects.filter(email__iexact=self.email).exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError(
                {"email": _("Another account has this email address.")}, code="unique"
            )

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role).exists()

    def has_a_role(self) -> bool:
        """Whether any role lets this user into Accord (a superuser needs none).

        Roles are the only source of permissions and each role holds some, so
        this asks the permission cache that every page's menu fills anyway,
        instead of spending a query on the groups.
        """
        return self.is_active and (self.is_superuser or bool(self.get_all_permissions()))


# Roles are groups: who was given or lost one, and by whom.
pghistory.track()(User.groups.through)
