"""Which addresses single sign-on counts as verified, so as to find an account by
its address (accounts.adapters.SocialAccountAdapter.is_email_verified); the
journey itself, against a real provider, is in tests/browser/test_sso.py."""

from accounts.adapters import SocialAccountAdapter


def test_no_address_is_taken_as_verified_without_the_providers_word(settings):
    settings.ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS = []
    assert not SocialAccountAdapter().is_email_verified(None, "alice@example.org")


def test_an_address_in_a_listed_domain_is_taken_as_verified(settings):
    settings.ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS = ["Calderbrook.nhs.uk"]
    adapter = SocialAccountAdapter()
    assert adapter.is_email_verified(None, "Alice@CALDERBROOK.nhs.uk")
    assert not adapter.is_email_verified(None, "alice@calderbrook.nhs.uk.example.org")
    assert not adapter.is_email_verified(None, "alice@mail.calderbrook.nhs.uk")
