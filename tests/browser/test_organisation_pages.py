"""An organisation's admin finds its pages from the header, invites an address with no
account, and the invitee signs up through the emailed link and belongs (issue 19); the
pages at desktop and phone width (screenshots kept under $SHOTS when set)."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from accounts.models import User
from communities.models import Community, Organisation, OrganisationRole
from communities.organisations import grant, organisations_of
from tests.browser.conftest import link_in_mail
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_an_admin_invites_by_email_and_the_invitee_signs_up_and_belongs(
    page, browser, live_server, log_in
):
    clinics = Organisation.objects.create(name="Clinics", slug="clinics")
    schools = Organisation.objects.create(name="Schools", slug="schools")
    CommunityFactory(
        organisation=clinics, name="Wound care", visibility=Community.Visibility.ORGANISATION
    )
    admin = UserFactory(email="ada@example.org", display_name="Ada Admin")
    grant(clinics, admin, OrganisationRole.Role.ADMIN)
    grant(clinics, admin, OrganisationRole.Role.LEADER)
    grant(schools, admin, OrganisationRole.Role.ADMIN)

    log_in("ada@example.org")
    page.get_by_role("navigation", name="Main").first.get_by_role(
        "link", name="Organisations"
    ).click()
    page.wait_for_url(re.compile(r"/o/$"))
    shot(page, "my-organisations")
    page.get_by_role("link", name="Invite people by email to Clinics").click()
    page.get_by_label("Email addresses").fill("river@example.org")
    page.get_by_label("A personal note (optional)").fill("Join us, River.")
    page.get_by_role("button", name="Send invitations").click()
    page.get_by_text("Invitation sent to river@example.org.").wait_for()
    shot(page, "organisation-invitations")
    page.goto("/o/clinics/settings/")
    shot(page, "organisation-settings")
    page.get_by_role("link", name="Move Wound care to another organisation").click()
    page.get_by_label("Schools").check()
    page.get_by_role("button", name="See what changes").click()
    page.get_by_role("heading", name="What changes if it moves to Schools").wait_for()
    shot(page, "community-move-confirm")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "community-move-confirm-phone")
    page.goto("/o/clinics/invitations/")
    shot(page, "organisation-invitations-phone")

    (message,) = [m for m in mail.outbox if m.to == ["river@example.org"]]
    link = link_in_mail(message, "/invitations/")
    context = browser.new_context(base_url=live_server.url)
    river = context.new_page()
    river.goto(link)
    river.get_by_role("heading", name="You're invited to Clinics").wait_for()
    shot(river, "organisation-invitation-landing")
    river.get_by_role("link", name="Create an account to accept").click()
    river.get_by_label("Email").fill("river@example.org")
    river.get_by_label(re.compile(r"^Password$")).fill("a-good-long-passphrase")
    river.get_by_label("Password again").fill("a-good-long-passphrase")
    river.get_by_role("button", name="Sign up").click()
    river.get_by_text("Welcome to Clinics!").wait_for()
    assert "Wound care" in river.content()
    context.close()

    person = User.objects.get(email="river@example.org")
    assert list(organisations_of(person)) == [clinics]
