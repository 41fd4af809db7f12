"""Responses ("Yes, and…"), my reflections, deleting, drafts and mentions speak French and
Spanish: the conversation under a reflection, the respond, edit, delete and "no longer
here" pages, the preview and draft fragments, "a member" for what was posted without a
name, the panels of the home pages, and the mention email in the recipient's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.i18n.pages import assert_pages_say

pytestmark = pytest.mark.django_db

FRENCH = "fr-FR,fr;q=0.9"
SPANISH = "es-419,es;q=0.8"


@pytest.fixture
def conversation(riverside, alice, bob):
    """alice's reflection "Mardi", bob's response to it and alice's reply to bob."""
    from reflections.models import Response
    from tests.factories.reflections import ReflectionFactory

    reflection = ReflectionFactory(author=alice, community=riverside, title="Mardi")
    response = Response.objects.create(
        community=riverside, reflection=reflection, author=bob, body="Yes, and a timer."
    )
    reply = Response.objects.create(
        community=riverside, reflection=reflection, author=alice, body="Thanks.", parent=response
    )
    return reflection, response, reply


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        (
            FRENCH,
            {
                "detail": ["Réponses (2)", "Répondre à Bob", "Publier la réponse", "Oui, et…"],
                "respond": ["Répondre à « Mardi »", "Publier ma réponse", "Retour à « Mardi »"],
                "edit": ["Modifier votre réponse", "Enregistrer les modifications"],
                "delete": ["Supprimer votre réponse ?", "Vous pourriez plutôt la modifier."],
                "confirm": ["Supprimer « Mardi » ?", "Oui, la supprimer", "Non, le garder"],
                "mine": ["Mes réflexions", "Télécharger en tableur (CSV)", "vue par"],
                "home": ["Les actions que je porte", "Mes réflexions récentes"],
                "community": ["Réflexions récentes", "Toutes les réflexions"],
            },
        ),
        (
            SPANISH,
            {
                "detail": ["Respuestas (2)", "Responder a Bob", "Publicar la respuesta", "Sí, y…"],
                "respond": ["Responder a «Mardi»", "Publicar mi respuesta", "Volver a «Mardi»"],
                "edit": ["Editar tu respuesta", "Guardar los cambios"],
                "delete": ["¿Borrar tu respuesta?", "También podrías editarla."],
                "confirm": ["¿Eliminar «Mardi»?", "Sí, borrarla", "No, mantenerla"],
                "mine": ["Mis reflexiones", "Descargar como hoja de cálculo (CSV)", "la ve"],
                "home": ["Acciones que llevo", "Mis reflexiones recientes"],
                "community": ["Reflexiones recientes", "Todas las reflexiones"],
            },
        ),
    ],
)
def test_the_conversation_and_its_pages_speak_the_browsers_language(
    client_as, riverside, alice, conversation, accept, words
):
    reflection, _, reply = conversation
    slug = riverside.slug
    pages = {
        reflection.get_absolute_url(): words["detail"],
        reverse("reflections:respond", args=[slug, "reflection", reflection.pk]): words["respond"],
        reverse("reflections:response_edit", args=[slug, reply.pk]): words["edit"],
        reverse("reflections:response_delete", args=[slug, reply.pk]): words["delete"],
        reverse("reflections:delete", args=[slug, reflection.pk]): words["confirm"],
        reverse("reflections:mine"): words["mine"],
        reverse("home"): words["home"],
        reverse("communities:home", args=[slug]): words["community"],
    }
    absent = ["Post response", "Post reply", "Delete your response", "Respond to", "Yes, delete"]

    assert_pages_say(client_as("alice"), pages, {"accept-language": accept}, absent=absent)


@pytest.mark.parametrize(
    ("accept", "with_one_reply", "anonymous", "required"),
    [
        (
            FRENCH,
            "avec la réponse qui la suit (1)",
            ["La publier sans mon nom", "Les membres verront « un membre »"],
            "Écrivez d&#x27;abord quelques mots",
        ),
        (
            SPANISH,
            "con la respuesta que tiene debajo (1)",
            ["Publicarla sin mi nombre", "Los miembros verán «un miembro»"],
            "Escribe primero unas palabras",
        ),
    ],
)
def test_responding_and_deleting_say_it_in_the_browsers_language(
    client_as, riverside, bob, conversation, accept, with_one_reply, anonymous, required
):
    reflection, response, _ = conversation
    client = client_as("bob")
    headers = {"accept-language": accept}
    delete_url = reverse("reflections:response_delete", args=[riverside.slug, response.pk])
    respond_url = reverse("reflections:respond", args=[riverside.slug, "reflection", reflection.pk])

    assert_pages_say(client, {delete_url: [with_one_reply], respond_url: anonymous}, headers)
    refused = client.post(respond_url, {"body": "  "}, headers=headers).content.decode()
    assert required in refused
    gone_url = reverse("reflections:respond", args=[riverside.slug, "reflection", 10**9])
    gone = client.post(gone_url, {"body": "Kept words"}, headers=headers)
    assert gone.status_code == 404
    assert "Kept words" in gone.content.decode()
    assert "nothing you wrote is lost" not in gone.content.decode()


@pytest.mark.parametrize(
    ("accept", "draft", "preview", "shown"),
    [
        (FRENCH, "Brouillon gardé à", "Rien à prévisualiser", "les membres voient « un membre »"),
        (SPANISH, "Borrador guardado a las", "Aún no hay nada", "los miembros ven «un miembro»"),
    ],
)
def test_drafts_previews_and_a_member_speak_the_browsers_language(
    client_as, riverside, alice, bob, accept, draft, preview, shown
):
    from reflections.models import Response
    from tests.factories.reflections import ReflectionFactory

    client = client_as("alice")
    headers = {"accept-language": accept, "HX-Request": "true"}
    saved = client.post(
        reverse("reflections:draft", args=[riverside.slug]), {"title": "Demi"}, headers=headers
    )
    previewed = client.post(
        reverse("reflections:preview", args=[riverside.slug]), {"body": ""}, headers=headers
    )
    assert draft in saved.content.decode()
    assert preview in previewed.content.decode()

    # bob answers without his name: alice reads "un membre" / "un miembro"; bob, his own
    # words, reads that members see it so.
    reflection = ReflectionFactory(author=alice, community=riverside, title="Mardi")
    Response.objects.create(
        community=riverside, reflection=reflection, author=bob, body="Quietly.", anonymous=True
    )
    headers = {"accept-language": accept}
    said = client.get(reflection.get_absolute_url(), headers=headers).content.decode()
    assert shown.split("«")[1].strip(" »") in said
    assert "a member" not in said
    own = client_as("bob").get(reflection.get_absolute_url(), headers=headers).content.decode()
    assert shown in own


@pytest.mark.parametrize(
    ("language", "subject", "sentence", "footer"),
    [
        (
            "fr",
            "Un membre vous a mentionné·e : « Mardi »",
            "Un membre vous a mentionné·e dans une réponse (« Mardi ») dans Riverside :",
            "Vous recevez ceci parce que quelqu'un vous a @mentionné·e.",
        ),
        (
            "es",
            "Un miembro te mencionó: «Mardi»",
            "Un miembro te mencionó en una respuesta («Mardi») en Riverside:",
            "Recibes esto porque alguien te @mencionó.",
        ),
    ],
)
def test_a_mention_reaches_the_mentioned_in_their_language(
    riverside, alice, bob, carol, language, subject, sentence, footer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """bob (English) answers alice's reflection without his name and mentions carol, who
    reads French or Spanish: "a member" mentioned her, in her words."""
    from reflections import services
    from tests.factories.reflections import ReflectionFactory

    carol.language = language
    carol.save()
    reflection = ReflectionFactory(author=alice, community=riverside, title="Mardi")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(
            author=bob,
            community=riverside,
            kind="reflection",
            target=reflection,
            body=f"Yes, and @[Carol]({carol.pk}) knows how.",
            anonymous=True,
        )

    (message,) = [m for m in mail.outbox if m.to == [carol.email]]
    assert message.subject == subject
    assert sentence in message.body
    assert footer in message.body
    assert "Bob" not in message.body
    html = message.alternatives[0][0]
    assert "<strong>Mardi</strong>" in html
    assert "mentioned you" not in html


@pytest.mark.parametrize(
    ("accept", "markdown", "header"),
    [
        (FRENCH, ["Communauté : Riverside", "Niveau de boucle : pas encore choisi"], "titre"),
        (SPANISH, ["Comunidad: Riverside", "Nivel de bucle: aún sin elegir"], "título"),
    ],
)
def test_my_reflections_download_in_the_browsers_language(
    client_as, riverside, alice, accept, markdown, header
):
    import io
    import zipfile

    from tests.factories.reflections import ReflectionFactory

    ReflectionFactory(author=alice, community=riverside, title="Mardi", loop_level="")
    client = client_as("alice")
    headers = {"accept-language": accept}

    zipped = client.get(reverse("reflections:export_zip"), headers=headers)
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        (name,) = archive.namelist()
        text = archive.read(name).decode()
    for words in markdown:
        assert words in text, words
    csv = client.get(reverse("reflections:export_csv"), headers=headers)
    first_line = b"".join(csv.streaming_content if csv.streaming else [csv.content])
    assert header in first_line.decode("utf-8-sig").splitlines()[0]
