"""What `OPTIONS` says of an endpoint: its name, description and formats.

DRF's default also lists the writes ("actions") whenever the permission
classes let the request by, and ours leave who may write to the domain's
rules, asked in each view: an executive was told he might POST, then
refused. The schema (`/api/v1/schema/`) says what each write takes."""

from rest_framework.metadata import SimpleMetadata


class DescribeOnly(SimpleMetadata):
    def determine_actions(self, request, view):
        return {}
