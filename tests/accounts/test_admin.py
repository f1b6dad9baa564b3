"""Users and roles in the admin: administrators grant roles, never superuser."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Role, User
from tests.factories import signed_in_again

pytestmark = pytest.mark.django_db


def posted(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "functional_area": user.functional_area,
        "reminder_channel": user.reminder_channel,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
    }
    return {**data, **changes}


def test_an_administrator_gives_a_user_a_role(client, adam, nora):
    client.force_login(adam)
    signed_in_again(client)
    manager = Group.objects.get(name=Role.MANAGER)
    response = client.post(
        reverse("admin:accounts_user_change", args=[nora.pk]), posted(nora, groups=[manager.pk])
    )
    assert response.status_code == 302
    assert nora.has_role(Role.MANAGER)


def test_an_administrator_adds_a_user(client, adam):
    client.force_login(adam)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newcomer", is_superuser=False).exists()


def test_an_administrator_cannot_make_a_superuser_or_hand_out_single_rights(client, adam, nora):
    client.force_login(adam)
    url = reverse("admin:accounts_user_change", args=[nora.pk])
    page = client.get(url)

    client.post(url, posted(nora, is_superuser="on", is_staff="on", user_permissions=[1, 2]))

    for field in (b'name="is_superuser"', b'name="user_permissions"', b'name="is_staff"'):
        assert field not in page.content
    nora.refresh_from_db()
    assert (nora.is_superuser, nora.is_staff) == (False, False)
    assert not nora.user_permissions.exists()


def test_only_roles_are_offered_as_groups(client, adam, nora):
    Group.objects.create(name="Not a role")
    client.force_login(adam)
    page = client.get(reverse("admin:accounts_user_change", args=[nora.pk]))
    choices = {label for _value, label in page.context["adminform"].form.fields["groups"].choices}
    assert choices == {str(label) for label in Role.labels}


def test_the_roles_read_in_the_administrators_language(client, adam, nora):
    """The groups are named by the roles' values, in English; the user page and
    the list's filter name them as the reader's language does."""
    adam.language = "fr"
    adam.save()
    client.force_login(adam)
    page = client.get(reverse("admin:accounts_user_change", args=[nora.pk]))
    choices = {label for _value, label in page.context["adminform"].form.fields["groups"].choices}
    assert choices == {"Direction", "Gestionnaire", "Réviseur", "Administrateur"}
    listed = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Gestionnaire" in listed and "Partnership manager" not in listed
    groups = client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Gestionnaire" in groups and "Partnership manager" not in groups


def test_an_administrator_cannot_change_a_superuser(client, adam, superuser):
    client.force_login(adam)
    change = client.post(
        reverse("admin:accounts_user_change", args=[superuser.pk]),
        posted(superuser, email="taken@example.org"),
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "a long enough passphrase", "password2": "a long enough passphrase"},
    )
    assert (change.status_code, password.status_code) == (403, 403)
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"
    assert superuser.check_password("password")


def test_a_superuser_may_make_a_superuser(client, superuser, adam):
    client.force_login(superuser)
    signed_in_again(client)
    client.post(
        reverse("admin:accounts_user_change", args=[adam.pk]), posted(adam, is_superuser="on")
    )
    adam.refresh_from_db()
    assert adam.is_superuser


def test_users_are_deactivated_not_deleted(client, adam, nora):
    client.force_login(adam)
    response = client.post(reverse("admin:accounts_user_delete", args=[nora.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=nora.pk).exists()


def test_the_roles_are_read_only(client, adam):
    client.force_login(adam)
    reviewer = Group.objects.get(name=Role.REVIEWER)
    response = client.post(
        reverse("admin:auth_group_change", args=[reviewer.pk]),
        {"name": "Reviewer", "permissions": []},
    )
    assert response.status_code == 403
    assert reviewer.permissions.exists()


def test_an_address_another_account_has_is_refused_next_to_the_field(client, adam, alice, nora):
    # The admin saved it: then signing in by "alice@example.org", the reset
    # email and single sign-on each found two accounts, and took the first.
    client.force_login(adam)
    signed_in_again(client)

    response = client.post(
        reverse("admin:accounts_user_change", args=[nora.pk]),
        posted(nora, email="Alice@Example.org", job_title="Data steward"),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"email": ["Another account has this email address."]}
    assert form["email"].value() == "Alice@Example.org"
    assert form["job_title"].value() == "Data steward"
    nora.refresh_from_db()
    assert nora.email != "Alice@Example.org"


def test_a_username_another_account_has_in_other_letters_is_refused(client, adam, alice, nora):
    # Saved, neither "alice" nor "ALICE" could sign in: sign-in finds an
    # account whatever the case, and with two it finds none.
    client.force_login(adam)

    response = client.post(
        reverse("admin:accounts_user_change", args=[nora.pk]),
        posted(nora, username="ALICE", job_title="Data steward"),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"username": ["A user with that username already exists."]}
    assert form["job_title"].value() == "Data steward"
    nora.refresh_from_db()
    assert nora.username == "nora"


class TestWhatAsksForThePasswordAgain:
    """An administrator's session left open, or stolen, must prove it is
    theirs before it changes what would let it take an account over: an
    address (a password reset goes there), the roles, superuser."""

    def test_a_session_alone_changes_no_address_and_the_change_waits_for_the_password(
        self, client, adam, nora
    ):
        client.force_login(adam)
        # As opened from the list of users: the admin carries its filters along.
        url = reverse("admin:accounts_user_change", args=[nora.pk]) + "?_changelist_filters=q%3Dno"

        asked = client.post(url, posted(nora, email="taken@elsewhere.example"))

        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("account_reauthenticate"))
        nora.refresh_from_db()
        assert nora.email != "taken@elsewhere.example"
        # Typing the password saves the change as it was posted: nothing to type again.
        done = client.post(asked["Location"], {"password": "password"})
        assert done.status_code == 302
        nora.refresh_from_db()
        assert nora.email == "taken@elsewhere.example"

    @pytest.mark.parametrize("button", ["_save", "_continue"])
    def test_after_the_password_the_change_is_saved_and_the_list_keeps_its_filters(
        self, client, adam, nora, button
    ):
        """The password comes between, and the admin goes on where it would
        have gone without it (a job title, which asks nothing): to the list of
        users as it was filtered, or back to the user, still carrying them."""
        client.force_login(adam)
        filters = urlencode({"_changelist_filters": "is_active__exact=1&q=no"})
        url = f"{reverse('admin:accounts_user_change', args=[nora.pk])}?{filters}"
        without = client.post(url, posted(nora, job_title="Data steward") | {button: "1"})
        assert without.status_code == 302
        nora.refresh_from_db()

        asked = client.post(url, posted(nora, email="taken@elsewhere.example") | {button: "1"})
        assert asked["Location"].startswith(reverse("account_reauthenticate"))
        done = client.post(asked["Location"], {"password": "password"})

        nora.refresh_from_db()
        assert (nora.email, nora.job_title) == ("taken@elsewhere.example", "Data steward")
        assert done.status_code == 302
        assert done["Location"] == without["Location"]
        assert "is_active__exact" in done["Location"]

    def test_a_session_alone_gives_no_role(self, client, adam, nora):
        client.force_login(adam)
        administrator = Group.objects.get(name=Role.ADMINISTRATOR)

        asked = client.post(
            reverse("admin:accounts_user_change", args=[nora.pk]),
            posted(nora, groups=[administrator.pk]),
        )

        assert asked["Location"].startswith(reverse("account_reauthenticate"))
        assert not nora.has_role(Role.ADMINISTRATOR)

    def test_a_session_alone_makes_no_superuser(self, client, superuser, adam):
        client.force_login(superuser)
        client.post(
            reverse("admin:accounts_user_change", args=[adam.pk]), posted(adam, is_superuser="on")
        )
        adam.refresh_from_db()
        assert not adam.is_superuser

    def test_other_changes_and_a_deactivation_need_no_more(self, client, adam, nora):
        client.force_login(adam)
        url = reverse("admin:accounts_user_change", args=[nora.pk])

        saved = client.post(url, posted(nora, job_title="Data steward"))
        assert saved.status_code == 302
        assert saved["Location"] == reverse("admin:accounts_user_changelist")
        nora.refresh_from_db()
        assert nora.job_title == "Data steward"
        data = posted(nora)
        del data["is_active"]
        assert client.post(url, data).status_code == 302

        nora.refresh_from_db()
        assert not nora.is_active and nora.job_title == "Data steward"
