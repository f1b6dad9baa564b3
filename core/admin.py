"""What the Django admin may do with a domain record: look at it.

Records that people enter or that Accord computes change on their pages,
through their services, where the rights on the object are checked, a reason
is asked for and an event is recorded. The admin would write them with none of
that, so a domain record is shown read-only there, to administrators and
superusers alike.
"""

from django.db import models

# The list of a table that grows with the portfolio: newest first, along the
# primary key. The models' own orderings (a metric by its objective's
# partnership's title, …) would join and sort the whole table for each page.
NEWEST_FIRST = ["-pk"]


class ReadOnlyAdmin:
    """For a ModelAdmin or an inline: no add, change or delete, whoever asks.

    The change page then shows the record without a form; a forged POST to it
    is refused with 403, and the delete action is not offered.
    """

    # The admin still builds the record's form to show it. A web address
    # without a scheme reads as https, as on the partner form; Django 6 makes
    # that the default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
