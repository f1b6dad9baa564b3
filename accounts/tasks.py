"""Celery tasks of the accounts app: thin, calling the services."""

from ops.retry import database_task


# A mail server away or refusing (smtplib's errors are OSErrors) is waited
# out as a database restart is: the link is sent once it answers.
@database_task(also_retry_for=(OSError,))
def password_reset_send(*, email: str, language: str = "") -> int:
    """A password-reset link emailed ("Forgotten your password?")."""
    from .password_reset import password_reset_send as send

    return send(email=email, language=language)
