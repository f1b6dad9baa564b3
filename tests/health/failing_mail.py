"""An email backend whose mail server never answers: the edge a test fails at."""

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server did not answer.")
