"""Issue 21's acceptance journeys in real Chromium: a Spanish-speaking newcomer signs up and
takes their first steps, and a French-speaking facilitator logs in, RSVPs, writes a
reflection and reads the dashboard — each page in their language, axe clean on the way.
The browser asks for the language (Accept-Language from the context's locale), as a
person's own browser would; nobody picks it by hand. Screenshots go to $SCREENSHOT_DIR when
it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from communities.models import Membership
from tests.factories import CommunityFactory, MembershipFactory

from .conftest import link_in_mail, serious

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browse_in(browser, live_server):
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_newcomer_signs_up_and_takes_the_first_steps_in_spanish(browse_in):
    community = CommunityFactory(
        name="Guardianes del Río", slug="rio", domain="Cuidamos el río juntas y juntos."
    )
    MembershipFactory(
        community=community, user__display_name="Femi", role="facilitator", level="core"
    )
    page = browse_in("es-ES")

    page.goto("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert serious(page) == []
    page.get_by_label("Correo electrónico").fill("lucia@example.org")
    page.get_by_label(re.compile(r"^Contraseña:?$")).fill("a-good-long-passphrase")
    page.get_by_label("Contraseña (otra vez)").fill("a-good-long-passphrase")
    page.get_by_role("button", name=re.compile("crear cuenta", re.I)).click()
    expect(page.get_by_role("heading", name="Revisa tu correo")).to_be_visible()
    shoot(page, "es-check-your-email")

    # The confirmation is in Spanish, and so will every later email be: the account keeps
    # the language it signed up in.
    welcome = mail.outbox[-1]
    assert "Te damos la bienvenida" in welcome.subject
    assert User.objects.get(email="lucia@example.org").language == "es"
    page.goto(link_in_mail(welcome, "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", name="Confirma tu dirección de correo")).to_be_visible()
    assert serious(page) == []
    page.get_by_role("button", name="Confirmar").click()

    expect(page.get_by_role("heading", name="Para qué sirve copsite")).to_be_visible()
    assert serious(page) == []
    shoot(page, "es-home-before-joining")
    page.get_by_role("link", name="Guardianes del Río").first.click()
    page.get_by_role("button", name="Unirme a esta comunidad").click()
    expect(page.get_by_role("status")).to_contain_text(
        "¡Te damos la bienvenida a Guardianes del Río!"
    )
    assert serious(page) == []

    page.goto("/")
    card = page.get_by_role("region", name="Primeros pasos en Guardianes del Río")
    expect(card).to_contain_text("0 de 4 hechos")
    assert serious(page) == []
    shoot(page, "es-first-steps")
    card.get_by_role("link", name="Saluda").click()
    page.get_by_label("Saluda en una línea").fill("Soy nueva y me encanta la orilla.")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_be_visible()

    page.goto("/")
    card = page.get_by_role("region", name="Primeros pasos en Guardianes del Río")
    expect(card).to_contain_text("1 de 4 hechos")
    expect(card.get_by_role("listitem").first).to_contain_text("Saluda (hecho)")
    # Nothing on the way was left in English.
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b(done|Say hello)\b"))


def test_a_french_facilitator_logs_in_rsvps_reflects_and_reads_the_dashboard(browse_in):
    call_command("seed_demo", force=True, verbosity=0)
    # Farah (who reads French in the demo) facilitates here.
    Membership.objects.filter(
        user__email="farah@demo.copsite.org", community__slug="systems-mapping"
    ).update(role=Membership.Role.FACILITATOR)
    page = browse_in("fr-FR")

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert serious(page) == []
    page.get_by_label("Adresse e-mail").fill("farah@demo.copsite.org")
    page.get_by_label("Mot de passe").fill("practice-together")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("status")).to_contain_text("Bon retour parmi nous, Farah Haddad")
    expect(page.get_by_role("heading", name="Bienvenue, Farah Haddad")).to_be_visible()
    assert serious(page) == []
    shoot(page, "fr-home")

    # RSVP to a coming session.
    page.goto("/c/systems-mapping/sessions/")
    expect(page.get_by_role("heading", name="Séances", exact=True)).to_be_visible()
    page.get_by_role("link", name="Mapping clinic: maps for decisions").click()
    page.get_by_role("button", name="Je viens", exact=True).click()
    rsvps = page.locator("#rsvp-box")
    expect(rsvps).to_contain_text("Je viens (1)")
    expect(rsvps).to_contain_text("Farah Haddad")
    assert serious(page) == []
    shoot(page, "fr-session")

    # Write a reflection.
    page.goto("/c/systems-mapping/reflections/new/")
    expect(page.get_by_role("heading", name="Écrire une réflexion")).to_be_visible()
    page.get_by_label("Titre").fill("Les cartes servent à débattre")
    page.get_by_label(re.compile("^Double boucle")).check()
    page.get_by_label("Quelle hypothèse cela vous amène-t-il à questionner ?").fill(
        "Qu’une carte doit être juste avant d’être montrée."
    )
    page.get_by_label("Votre réflexion").fill("Apportons des cartes **brouillonnes**.")
    page.get_by_label(re.compile("^Toute la communauté")).check()
    assert serious(page) == []
    page.get_by_role("button", name="Enregistrer la réflexion").click()
    expect(page.get_by_role("heading", name="Les cartes servent à débattre")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Toute cette communauté")
    expect(page.locator("main")).to_contain_text("double boucle")
    assert serious(page) == []
    shoot(page, "fr-reflection")

    # Read the dashboard, for the last 90 days.
    page.goto("/c/systems-mapping/")
    page.get_by_text("Animer", exact=True).click()  # the facilitators' menu opens
    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(
        page.get_by_role("heading", name="Systems Mapping Practice : tableau de bord de l’impact")
    ).to_be_visible()
    page.get_by_label("Jours à afficher").select_option("90")
    page.get_by_role("button", name="Afficher cette période").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("heading", name="Ce qui a changé")).to_be_visible()
    loops = page.get_by_role("img", name="Réflexions partagées par niveau de boucle")
    expect(loops).to_be_visible()
    assert loops.locator("rect.chart-bar").count() > 0
    assert serious(page) == []
    shoot(page, "fr-dashboard")
    # The dashboard's own words are all French (the demo's content is English).
    main = page.locator("main")
    expect(main).not_to_contain_text(
        re.compile(r"\b(What changed|Members by level|Show this period)\b")
    )
