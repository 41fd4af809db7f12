"""Factories for accounts: people, each with a verified primary email address."""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import User

PASSWORD = "a-good-long-passphrase"


@cache
def hashed_password() -> str:
    """PASSWORD hashed once per process (by the test settings' hasher): each person made
    then costs one INSERT, not an INSERT and an UPDATE to store a password set afterwards."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    timezone = "Europe/London"
    password = factory.LazyFunction(hashed_password)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        """The organisations the person leads: `leads=[org, …]`; a person made with
        `is_leader=True` and no `leads` leads the site's default organisation (where every
        community made without an organisation goes), as today's leaders did after the
        migration."""
        if not create:
            return
        from communities.models import Organisation, OrganisationRole

        organisations = extracted
        if organisations is None:
            organisations = [Organisation.objects.default()] if self.is_leader else []
        for organisation in organisations:
            OrganisationRole.objects.get_or_create(
                organisation=organisation, user=self, role=OrganisationRole.Role.LEADER
            )
        if organisations and not self.is_leader:
            self.is_leader = True
            self.save(update_fields=["is_leader"])
