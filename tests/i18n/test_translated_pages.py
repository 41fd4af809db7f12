"""The sign-in and settings pages read in French and Spanish when the browser asks for them,
and allauth's emails go out in the recipient's saved language, not the request's."""

from __future__ import annotations

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, name: str, accept: str) -> str:
    response = client.get(reverse(name), headers={"accept-language": accept})
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (
            "fr-FR,fr;q=0.9",
            [
                "<h1>Se connecter</h1>",
                "Mot de passe oublié ?",
                "Mot de passe",
                "Rester connecté·e sur cet appareil",
                "Première visite ?",
                "réfléchit ensemble",
            ],
        ),
        (
            "es-419,es;q=0.8",
            [
                "<h1>Iniciar sesión</h1>",
                "¿Olvidaste tu contraseña?",
                "Contraseña",
                "Mantener la sesión iniciada en este dispositivo",
                "¿Primera vez por aquí?",
                "reflexiona en grupo",
            ],
        ),
        ("en-GB", ["<h1>Log in</h1>", "Forgot your password?", "New here?"]),
    ],
)
def test_the_sign_in_page_speaks_the_browsers_language(client, accept, wanted):
    html = page(client, "account_login", accept)

    for text in wanted:
        assert text in html, text


@pytest.mark.parametrize(
    ("accept", "wanted", "not_wanted"),
    [
        (
            "fr",
            [
                "<h1>Réglages</h1>",
                "Profil et notifications",
                "Enregistrer les réglages",
                "E-mails de notification",
                "Me rappeler une séance la veille",
                "Pour ces pages et chaque e-mail que nous vous envoyons.",
                "M’écrire au sujet de…",
                "Supprimer mon compte",
            ],
            ["Save settings", "Your data"],
        ),
        (
            "es",
            [
                "<h1>Ajustes</h1>",
                "Perfil y notificaciones",
                "Guardar los ajustes",
                "Correos de notificación",
                "Recordarme una sesión un día antes",
                "Para estas páginas y cada correo que te enviamos.",
                "Escribirme sobre…",
                "Eliminar mi cuenta",
            ],
            ["Save settings", "Your data"],
        ),
    ],
)
def test_the_settings_page_speaks_the_browsers_language(client_as, accept, wanted, not_wanted):
    html = page(client_as("alice"), "settings", accept)

    for text in wanted:
        assert text in html, text
    for text in not_wanted:
        assert text not in html, text


@pytest.mark.parametrize(
    ("preference", "browser", "lang", "subject", "greeting", "sentence"),
    [
        (
            "es",
            "fr",
            "es",
            "Elige una contraseña nueva",
            "Hola:",
            "Elige una contraseña nueva para",
        ),
        (
            "fr",
            "es",
            "fr",
            "Choisir un nouveau mot de passe",
            "Bonjour,",
            "Choisissez un nouveau mot",
        ),
        # No saved preference ("as my browser asks"): the language of the request.
        (
            "",
            "fr",
            "fr",
            "Choisir un nouveau mot de passe",
            "Bonjour,",
            "Choisissez un nouveau mot",
        ),
        ("", "en-GB", "en-gb", "Choose a new password", "Hello,", "Choose a new password for your"),
    ],
)
def test_a_password_reset_email_goes_in_the_recipients_saved_language(
    client,
    alice,
    django_capture_on_commit_callbacks,
    preference,
    browser,
    lang,
    subject,
    greeting,
    sentence,
):
    alice.language = preference
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": alice.email},
            headers={"accept-language": browser},
        )

    [message] = mail.outbox
    [(html, _mime)] = message.alternatives
    assert message.subject.endswith(f"] {subject}")
    assert message.body.startswith(greeting)
    assert sentence in message.body
    assert greeting in unescape(html) and sentence in unescape(html)
    # The HTML part names its language, and its direction (ready for a right-to-left one).
    assert f'<html lang="{lang}" dir="ltr">' in html


SIGNED_IN_PAGES = {
    "privacy:privacy": {
        "fr": "Vos mots, gardés avec soin",
        "es": "Tus palabras, guardadas con cuidado",
    },
    "account_reauthenticate": {"fr": "Confirmez que c’est bien vous", "es": "Confirma que eres tú"},
    "privacy:export": {"fr": "Emportez vos données", "es": "Llévate tus datos"},
    "notifications": {"fr": "<h1>Notifications</h1>", "es": "<h1>Notificaciones</h1>"},
    "mfa_index": {"fr": "Connexion en deux étapes", "es": "Inicio de sesión en dos pasos"},
    "account_change_password": {"fr": "Mot de passe actuel", "es": "Contraseña actual"},
}


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_account_and_privacy_pages_render_in_each_language(client_as, name, language):
    """Every blocktranslate of these pages fills its placeholders in each language (a
    translation that lost one would fall back to English)."""
    html = page(client_as("alice"), name, language)

    assert f'<html lang="{language}"' in html
    assert SIGNED_IN_PAGES[name][language] in html
