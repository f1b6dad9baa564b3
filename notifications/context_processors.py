from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """The unread count for the navbar badge, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(lambda: user.notifications.unread().count())
    }
