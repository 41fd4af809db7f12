"""Which language a page and an email are in: a signed-in person's saved preference, else
the footer switcher's cookie, else the browser's Accept-Language, else English; emails in
the recipient's language whatever the sender's; `<html lang dir>` follow the language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts import languages
from privacy.models import Export

pytestmark = pytest.mark.django_db

PAGE = "/privacy/"


def html_tag(response) -> dict[str, str]:
    found = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', response.content.decode())
    return {"lang": found[1], "dir": found[2]}


def footer_label(response) -> str:
    return re.search(r'<label for="site-language">([^<]*)</label>', response.content.decode())[1]


@pytest.mark.parametrize(
    ("accept", "lang", "label"),
    [
        ("fr-FR,fr;q=0.9", "fr", "Langue"),
        ("es-419,es;q=0.8", "es", "Idioma"),
        ("en-US,en;q=0.9", "en-gb", "Language"),
        ("de-DE", "en-gb", "Language"),
        ("", "en-gb", "Language"),
    ],
)
def test_a_visitor_gets_the_browsers_language_else_english(client, accept, lang, label):
    response = client.get(PAGE, headers={"accept-language": accept} if accept else {})

    assert response.status_code == 200
    assert html_tag(response)["lang"] == lang
    assert html_tag(response)["dir"] == "ltr"
    assert footer_label(response) == label


def test_a_saved_preference_wins_over_the_browser(client_as, alice):
    alice.language = "es"
    alice.save()

    response = client_as("alice").get(PAGE, headers={"accept-language": "fr"})

    assert html_tag(response)["lang"] == "es"
    assert footer_label(response) == "Idioma"


def test_without_a_preference_a_signed_in_person_gets_their_browsers_language(client_as):
    response = client_as("alice").get(PAGE, headers={"accept-language": "fr"})

    assert html_tag(response)["lang"] == "fr"


def test_the_footer_offers_each_language_in_its_own_words(client):
    page = client.get(PAGE, headers={"accept-language": "es"}).content.decode()
    options = re.findall(
        r'<option value="([^"]*)" lang="([^"]*)"( selected)?>([^<]*)</option>', page
    )

    assert options == [
        ("en-gb", "en-gb", "", "English"),
        ("fr", "fr", "", "Français"),
        ("es", "es", " selected", "Español"),
    ]
    assert f'<form method="post" action="{reverse("language")}" class="language-switcher">' in page
    assert f'<input type="hidden" name="next" value="{PAGE}">' in page


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie_and_goes_back(client):
    response = client.post(reverse("language"), {"language": "fr", "next": PAGE})

    assert response.status_code == 302 and response["Location"] == PAGE
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and cookie["httponly"] and cookie["samesite"] == "Lax"
    # The cookie beats the browser's own language from then on.
    assert html_tag(client.get(PAGE, headers={"accept-language": "es"}))["lang"] == "fr"


def test_the_switcher_saves_a_signed_in_persons_choice(client_as, alice):
    client = client_as("alice")

    client.post(reverse("language"), {"language": "es", "next": PAGE})

    alice.refresh_from_db()
    assert alice.language == "es"
    # On another browser with no cookie, the preference still holds.
    other = client_as("alice")
    other.cookies.clear()
    other.force_login(alice)
    assert html_tag(other.get(PAGE, headers={"accept-language": "fr"}))["lang"] == "es"


@pytest.mark.parametrize(
    "data",
    [
        {"language": "xx", "next": PAGE},
        {"language": "fr\x00", "next": PAGE},
        {"language": "", "next": PAGE},
        {"next": PAGE},
        {"language": "fr", "next": "https://elsewhere.example/"},
        {"language": "fr" * 500},
    ],
)
def test_the_switcher_refuses_bad_input_quietly(client_as, alice, data):
    response = client_as("alice").post(reverse("language"), data)

    assert response.status_code == 302
    assert "elsewhere" not in response["Location"]
    alice.refresh_from_db()
    assert alice.language in ("", "fr")
    if data.get("language") != "fr":
        assert alice.language == ""


def test_the_switcher_only_takes_a_post(client):
    assert client.get(reverse("language")).status_code == 405


def test_the_settings_page_saves_the_language_and_says_so_in_it(client_as, alice):
    client = client_as("alice")
    form = client.get(reverse("settings")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(language="fr", display_name="Alice")
    for name in ("remind_24h", "remind_1h", "review_emails", "notify_facilitation"):
        if not data.get(name):
            data.pop(name, None)

    response = client.post(reverse("settings"), data, follow=True)

    alice.refresh_from_db()
    assert alice.language == "fr"
    assert "Vos réglages sont enregistrés." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("settings")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"

    data["language"] = ""
    client.post(reverse("settings"), data)
    alice.refresh_from_db()
    assert alice.language == ""
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""


def test_the_settings_page_refuses_a_language_it_does_not_offer(client_as, alice):
    client = client_as("alice")
    form = client.get(reverse("settings")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["language"] = "klingon"

    response = client.post(reverse("settings"), data)

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.language == ""


@override_settings(
    LANGUAGES=[*settings.LANGUAGES, ("he", "עברית")],
)
def test_a_right_to_left_language_turns_the_page_around(client):
    """No template knows the direction: a right-to-left catalog added later needs none
    changed (here Hebrew, with no catalog, stands in for one)."""
    response = client.get(PAGE, headers={"accept-language": "he"})

    assert html_tag(response)["lang"] == "he"
    assert html_tag(response)["dir"] == "rtl"


def ready_email_for(person, commit, client):
    with commit():
        client.post(reverse("privacy:export"))
    assert Export.objects.filter(requested_by=person).exists()
    assert len(mail.outbox) == 1
    return mail.outbox[0]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.parametrize(
    ("preference", "browser", "subject", "greeting"),
    [
        ("fr", "es", "Votre export copsite est prêt", "Bonjour"),
        ("es", "fr", "Tu exportación de copsite está lista", "Hola"),
        ("", "fr", "Your copsite export is ready", "Hello"),
    ],
)
def test_email_is_in_the_recipients_language_not_the_requests(
    client_as, alice, commit, preference, browser, subject, greeting
):
    alice.language = preference
    alice.save()
    client = client_as("alice")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: browser})

    message = ready_email_for(alice, commit, client)

    assert message.subject == subject
    assert message.body.startswith(greeting)
    assert message.alternatives[0][0].startswith(f"<p>{greeting}")


@pytest.mark.parametrize(
    ("code", "days", "expected"),
    [
        ("en-gb", 1, "(1 day)"),
        ("en-gb", 7, "(7 days)"),
        ("fr", 1, "(1 jour)"),
        ("fr", 0, "(0 jour)"),
        ("fr", 7, "(7 jours)"),
        ("es", 1, "(1 día)"),
        ("es", 7, "(7 días)"),
    ],
)
def test_plural_forms_follow_each_language(code, days, expected):
    """French says "0 jour" (singular for 0 and 1), Spanish and English "0 days"."""
    from django.template.loader import render_to_string

    class FakeExport:
        expires_at = None

    with translation.override(code):
        text = render_to_string(
            "privacy/email/export_ready.txt",
            {"recipient": {"name": "Ana"}, "days": days, "export": FakeExport(), "page_url": "/"},
        )
    assert expected in text


def test_for_person_falls_back_to_the_default_language(alice):
    assert languages.for_person(None) == settings.LANGUAGE_CODE
    alice.language = "fr-ca"
    assert languages.for_person(alice) == "fr"
    alice.language = "zz"
    assert languages.for_person(alice) == settings.LANGUAGE_CODE


@pytest.mark.parametrize(
    ("browser", "saved", "subject"),
    [
        ("es-ES,es;q=0.9", "es", "Te damos la bienvenida: confirma tu dirección de correo"),
        ("fr", "fr", "Bienvenue : merci de confirmer votre adresse e-mail"),
        ("en-US,en;q=0.9", "", "Welcome: please confirm your email address"),
    ],
)
def test_a_new_account_keeps_the_language_it_signed_up_in(
    client, django_capture_on_commit_callbacks, browser, saved, subject
):
    """Someone who signs up in Spanish gets their reminders and digests in Spanish, not
    only the confirmation email; signing up in the default language saves no preference
    (their browser goes on choosing)."""
    from accounts.models import User

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "nueva@example.org",
                "password1": "a-good-long-pass",
                "password2": "a-good-long-pass",
            },
            headers={"accept-language": browser},
        )

    assert response.status_code == 302
    assert User.objects.get(email="nueva@example.org").language == saved
    assert mail.outbox[-1].subject == f"[copsite] {subject}"
