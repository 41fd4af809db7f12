"""Exports: my data and a community's record — what the zip holds and what it never does,
the one email, the 7 days, one export however often it is asked for, and 404 for anyone
but the person who asked (or the community's coordinators)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailDelivery
from impact.models import ImpactStory
from outcomes.models import ConfidenceRating
from privacy import exports
from privacy.models import Export
from reflections.models import Action, Response
from reviews.models import PeerReview
from sessions.models import PulseAnswer
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    OutcomeFactory,
    PeerReviewFactory,
    ReflectionFactory,
    ReviewRoundFactory,
    RSVPFactory,
    SessionFactory,
    SharedWorkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the build, then its email) as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ask(client, url, commit):
    with commit():
        response = client.post(url)
    assert response.status_code == 302
    return response


def zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def zips(storage) -> set[str]:
    """Every stored export file (other tests' too: the media folder is the process's)."""
    if not storage.exists("exports"):
        return set()
    folders, _ = storage.listdir("exports")
    return {
        f"{folder}/{name}" for folder in folders for name in storage.listdir(f"exports/{folder}")[1]
    }


def alices_world(riverside, alice, bob):
    """Alice wrote or gave one of everything; Bob wrote a private reflection."""
    held = SessionFactory(
        community=riverside,
        title="Mapping morning",
        status="completed",
        starts_at=timezone.now() - timedelta(days=2),
    )
    ReflectionFactory(
        community=riverside,
        author=alice,
        title="My private doubts: about maps",
        body="Only for me.",
        visibility="private",
        loop_level="double",
    )
    ReflectionFactory(
        community=riverside, author=alice, title="Said without my name", anonymous=True
    )
    ReflectionFactory(
        community=riverside,
        author=bob,
        title="Bob's secret",
        body="Nobody else",
        visibility="private",
    )
    theirs = ReflectionFactory(community=riverside, author=bob, title="Bob's open one")
    Response.objects.create(
        community=riverside, reflection=theirs, author=alice, body="Yes, and the river too."
    )
    work = SharedWorkFactory(session=held, author=alice, title="River map", file_name="map.txt")
    work.file.save("map.txt", ContentFile(b"the map itself"), save=True)
    round_ = ReviewRoundFactory(session=held, prompts=[{"prompt": "What works?"}])
    PeerReviewFactory(
        round=round_,
        work=work,
        reviewer=bob,
        status=PeerReview.Status.SUBMITTED,
        answers=[{"works": "Bob liked the legend.", "deeper": ""}],
    )
    held_round = ReviewRoundFactory(
        session=held, prompts=[{"prompt": "What works?"}], holds_reviews=True
    )
    bobs_work = SharedWorkFactory(session=held, author=bob, title="Bob's map")
    PeerReviewFactory(
        round=round_,
        work=bobs_work,
        reviewer=alice,
        status=PeerReview.Status.SUBMITTED,
        answers=[{"works": "Alice admired the colours.", "deeper": ""}],
    )
    other = SharedWorkFactory(session=held, author=alice, title="Second map")
    PeerReviewFactory(
        round=held_round,
        work=other,
        reviewer=bob,
        status=PeerReview.Status.SUBMITTED,
        answers=[{"works": "Held words, not yet released.", "deeper": ""}],
    )
    Action.objects.create(community=riverside, owner=alice, title="Ring the clinic first")
    RSVPFactory(session=SessionFactory(community=riverside, title="Next walk"), user=alice)
    AttendanceFactory(session=held, user=alice)
    AttendanceFactory(session=held, user=bob)
    PulseAnswer.objects.create(
        session=held,
        respondent=PulseAnswer.respondent_for(held.pk, alice.pk),
        face=4,
        better="Alice wants more tea.",
    )
    PulseAnswer.objects.create(
        session=held,
        respondent=PulseAnswer.respondent_for(held.pk, bob.pk),
        face=1,
        better="Bob's pulse words.",
    )
    outcome = OutcomeFactory(community=riverside, statement="Safer crossings")
    ConfidenceRating.objects.create(user=alice, outcome=outcome, rating=4, note="Getting there")
    ImpactStory.objects.create(
        community=riverside, author=alice, title="The bridge story", what_happened="We met."
    )


def test_my_export_holds_every_part_and_nobody_elses_private_words(
    client_as, riverside, alice, bob, commit
):
    alices_world(riverside, alice, bob)
    client = client_as("alice")

    ask(client, reverse("privacy:export"), commit)

    export = Export.objects.get()
    assert export.status == Export.Status.READY
    archive = zip_of(client.get(reverse("privacy:export_download", args=[export.pk])))
    names = archive.namelist()
    text = everything(archive)
    for part in [
        "README.txt",
        "profile.json",
        "responses.md",
        "reviews-given.md",
        "reviews-received.md",
        "actions.csv",
        "rsvps.csv",
        "attendance.csv",
        "confidence-ratings.csv",
        "pulse-answers.csv",
        "check-ins.csv",
    ]:
        assert part in names
    reflections = sorted(n for n in names if n.startswith("reflections/"))
    assert len(reflections) == 2
    private = next(n for n in reflections if "private-doubts" in n)
    assert (
        archive.read(private)
        .decode()
        .startswith('---\ntitle: "My private doubts: about maps"\ndate: ')
    )
    assert 'loop level: "double loop"' in archive.read(private).decode()
    assert 'visibility: "only me"' in archive.read(private).decode()
    assert "without my name: true" in text
    work_files = [n for n in names if n.startswith("shared-work/") and n.endswith("map.txt")]
    assert [archive.read(n) for n in work_files] == [b"the map itself"]
    assert [n for n in names if n.startswith("impact-stories/")] != []
    assert "Yes, and the river too." in text
    assert "Alice admired the colours." in text
    assert "Bob liked the legend." in text
    assert "Ring the clinic first" in text
    assert "Next walk" in text
    assert "Getting there" in text
    assert "Alice wants more tea." in text
    assert "The bridge story" in text
    # Never: another person's private reflection, a review still held, another's pulse.
    assert "Bob's secret" not in text
    assert "Nobody else" not in text
    assert "Held words, not yet released." not in text
    assert "Bob's pulse words." not in text
    readme = archive.read("README.txt").decode()
    assert "reflections/: your reflections" in readme
    assert "7 days" in readme


def test_community_export_holds_the_shared_record_and_no_private_reflection(
    client_as, riverside, alice, bob, carol, commit
):
    alices_world(riverside, alice, bob)
    ReflectionFactory(
        community=riverside, author=alice, title="For facilitators", visibility="facilitators"
    )
    ReflectionFactory(community=riverside, author=bob, title="Hidden one", hidden_at=timezone.now())
    session = SessionFactory(community=riverside, title="Planning circle")
    AgendaItemFactory(session=session, title="Check-in round")
    ImpactStory.objects.create(
        community=riverside,
        author=alice,
        title="Published bridge",
        what_happened="We crossed.",
        status=ImpactStory.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    riverside.archived = True
    riverside.save()
    client = client_as("carol")

    ask(client, reverse("privacy:community_export", args=[riverside.slug]), commit)

    export = Export.objects.get()
    url = reverse("privacy:community_export_download", args=[riverside.slug, export.pk])
    archive = zip_of(client.get(url))
    names = archive.namelist()
    text = everything(archive)
    for part in ["README.txt", "community.md", "outcomes.csv", "actions.csv"]:
        assert part in names
    assert "Safer crossings" in text
    assert "Check-in round" in text
    assert "Ring the clinic first" in text
    assert "Published bridge" in text
    assert "Bob's open one" in text
    assert 'author: "a member"' in text
    assert "The bridge story" not in text  # a draft
    for never in ["Bob's secret", "My private doubts", "For facilitators", "Hidden one"]:
        assert never not in text
    assert "archived" in archive.read("README.txt").decode()


def test_the_ready_email_goes_exactly_once(client_as, alice, commit):
    client = client_as("alice")

    ask(client, reverse("privacy:export"), commit)
    export = Export.objects.get()
    with commit():
        again = exports.export_build(export_id=export.pk)

    assert again is False
    assert EmailDelivery.objects.filter(kind=exports.READY_EMAIL_KIND).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your copsite export is ready"
    assert "http://" in message.body and "/settings/export/" in message.body
    assert "/settings/export/" in message.alternatives[0][0]


def test_asking_twice_while_it_is_prepared_gives_one_export(client_as, alice):
    client = client_as("alice")

    first = client.post(reverse("privacy:export"))
    second = client.post(reverse("privacy:export"))

    assert first.status_code == second.status_code == 302
    assert Export.objects.count() == 1
    assert Export.objects.get().status == Export.Status.PENDING
    page = client.get(reverse("privacy:export"))
    assert "Being prepared" in page.content.decode()


def test_two_coordinators_asking_get_one_community_export(riverside, carol, member_of):
    other = member_of(riverside, role="coordinator")

    first, made = exports.export_request(user=carol, community=riverside)
    second, made_again = exports.export_request(user=other, community=riverside)

    assert (made, made_again) == (True, False)
    assert first.pk == second.pk


@pytest.mark.django_db(transaction=True)
def test_asking_at_once_from_two_tabs_gives_one_export(alice):
    from tests.racing import race

    errors = race(lambda: exports.export_request(user=alice))

    assert errors == []
    assert Export.objects.filter(requested_by=alice).count() == 1


def test_after_seven_days_it_is_expired_then_deleted_with_its_file(client_as, alice, commit):
    client = client_as("alice")
    ask(client, reverse("privacy:export"), commit)
    export = Export.objects.get()
    storage, name = export.file.storage, export.file.name
    download = reverse("privacy:export_download", args=[export.pk])
    assert export.expires_at == export.ready_at + timedelta(days=7)

    with time_machine.travel(export.expires_at + timedelta(minutes=1), tick=False):
        page = client.get(reverse("privacy:export"))
        gone = client.get(download)
        with commit():
            deleted = exports.delete_expired_exports(timezone.now())

    assert "Expired" in page.content.decode()
    assert gone.status_code == 404
    assert deleted == 1
    assert Export.objects.count() == 0
    assert not storage.exists(name)


def test_a_ready_export_within_its_days_is_kept(alice, commit):
    with commit():
        export, _ = exports.export_request(user=alice)

    with commit():
        deleted = exports.delete_expired_exports(timezone.now() + timedelta(days=6))

    assert deleted == 0
    assert Export.objects.get().pk == export.pk


def test_a_fresh_export_replaces_the_older_one(client_as, alice, commit):
    client = client_as("alice")
    ask(client, reverse("privacy:export"), commit)
    first = Export.objects.get()

    ask(client, reverse("privacy:export"), commit)

    assert list(Export.objects.values_list("status", flat=True)) == ["ready"]
    assert Export.objects.get().pk != first.pk
    assert not first.file.storage.exists(first.file.name)


def test_a_stuck_pending_export_is_deleted_after_seven_days(alice):
    exports.export_request(user=alice)

    assert exports.delete_expired_exports(timezone.now() + timedelta(days=6)) == 0
    assert exports.delete_expired_exports(timezone.now() + timedelta(days=7, minutes=1)) == 1


def test_nobody_else_downloads_my_export(client_as, alice, dave, frank, commit):
    ask(client_as("alice"), reverse("privacy:export"), commit)
    export = Export.objects.get()
    url = reverse("privacy:export_download", args=[export.pk])

    assert client_as("dave").get(url).status_code == 404
    assert client_as("frank").get(url).status_code == 404
    assert client_as("anonymous").get(url).status_code == 302
    tampered = reverse("privacy:export_download", args=[export.pk + 1])
    assert client_as("alice").get(tampered).status_code == 404


def test_only_the_communitys_coordinators_reach_its_export(
    client_as, riverside, hillside, alice, bob, carol, dave, commit
):
    ask(client_as("carol"), reverse("privacy:community_export", args=[riverside.slug]), commit)
    export = Export.objects.get()
    page = reverse("privacy:community_export", args=[riverside.slug])
    download = reverse("privacy:community_export_download", args=[riverside.slug, export.pk])
    # Through another community's address: carol's is 404 there as for anyone.
    elsewhere = reverse("privacy:community_export_download", args=[hillside.slug, export.pk])

    for name in ["alice", "bob", "dave"]:
        assert client_as(name).get(page).status_code == 404
        assert client_as(name).get(download).status_code == 404
        assert client_as(name).post(page).status_code == 404
    assert client_as("carol").get(download).status_code == 200
    assert client_as("carol").get(elsewhere).status_code == 404
    assert Export.objects.count() == 1


def test_a_personal_export_is_not_reachable_as_a_community_one(client_as, riverside, carol, commit):
    ask(client_as("carol"), reverse("privacy:export"), commit)
    mine = Export.objects.get()

    url = reverse("privacy:community_export_download", args=[riverside.slug, mine.pk])

    assert client_as("carol").get(url).status_code == 404


def test_the_pages_link_to_the_exports(client_as, riverside, carol):
    settings_page = client_as("carol").get(reverse("settings")).content.decode()
    community_page = (
        client_as("carol")
        .get(reverse("communities:settings", args=[riverside.slug]))
        .content.decode()
    )

    assert f'href="{reverse("privacy:export")}"' in settings_page
    assert f'href="{reverse("privacy:community_export", args=[riverside.slug])}"' in community_page


def test_a_build_that_breaks_says_so_and_can_be_asked_again(client_as, alice, monkeypatch, commit):
    from privacy import contents

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(contents, "person_parts", broken)
    client = client_as("alice")
    ask(client, reverse("privacy:export"), commit)

    page = client.get(reverse("privacy:export")).content.decode()

    assert Export.objects.get().status == Export.Status.FAILED
    assert "Something went wrong" in page
    assert "Prepare my export" in page


def test_deleting_an_account_deletes_its_ready_exports_file(alice, commit):
    with commit():
        export, _ = exports.export_request(user=alice)
    name = Export.objects.get(pk=export.pk).file.name
    storage = Export.file.field.storage

    with commit():
        alice.delete()

    assert not storage.exists(name)


@pytest.mark.parametrize("exports_made", [1, 4])
def test_the_export_page_costs_the_same_however_many_exports(
    client_as, alice, exports_made, django_assert_num_queries
):
    client = client_as("alice")
    for _ in range(exports_made):
        Export.objects.create(kind="person", requested_by=alice, status="failed")
    Export.objects.create(
        kind="person",
        requested_by=alice,
        status="ready",
        ready_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
        size=2048,
    )

    with django_assert_num_queries(3):
        response = client.get(reverse("privacy:export"))

    assert response.status_code == 200
    assert "Ready to download" in response.content.decode()


@pytest.mark.parametrize("exports_made", [1, 4])
def test_the_community_export_page_costs_the_same_however_many_exports(
    client_as, riverside, carol, exports_made, django_assert_num_queries
):
    client = client_as("carol")
    for _ in range(exports_made):
        Export.objects.create(
            kind="community", community=riverside, requested_by=carol, status="failed"
        )

    with django_assert_num_queries(5):
        response = client.get(reverse("privacy:community_export", args=[riverside.slug]))

    assert response.status_code == 200
    assert "Something went wrong" in response.content.decode()


def test_an_account_deleted_while_its_export_is_built_leaves_no_zip_and_no_email(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    from privacy import contents

    written = contents.person_parts

    def deleted_meanwhile(archive, user):
        parts = written(archive, user)
        type(user).objects.filter(pk=user.pk).delete()
        return parts

    monkeypatch.setattr(contents, "person_parts", deleted_meanwhile)
    export, _ = exports.export_request(user=alice)
    storage = Export.file.field.storage
    before = zips(storage)

    with django_capture_on_commit_callbacks(execute=True):
        made = exports.export_build(export_id=export.pk)

    assert made is False
    assert Export.objects.count() == 0
    assert zips(storage) == before
    assert EmailDelivery.objects.count() == 0


def test_deleting_the_account_takes_its_exports_and_a_build_meanwhile_sends_nothing(
    alice, django_capture_on_commit_callbacks
):
    """Account deletion (privacy.erasure) keeps the person's row as "a former member", so
    their exports go by its own step, not by a cascade: a ready zip is deleted once the
    deletion commits, and a build already under way finds its export gone."""
    from privacy.erasure import erase_person

    with django_capture_on_commit_callbacks(execute=True):
        ready, _ = exports.export_request(user=alice)  # Built by the (eager) worker.
    ready.refresh_from_db()
    storage, name = ready.file.storage, ready.file.name
    assert ready.status == Export.Status.READY and storage.exists(name)
    building, _ = exports.export_request(user=alice)  # Asked again, not yet built.
    told = EmailDelivery.objects.filter(kind=exports.READY_EMAIL_KIND).count()

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(alice)
        made = exports.export_build(export_id=building.pk)

    assert made is False
    assert Export.objects.count() == 0
    assert not storage.exists(name)
    assert EmailDelivery.objects.filter(kind=exports.READY_EMAIL_KIND).count() == told == 1


def test_a_build_lost_with_the_broker_is_queued_again_when_asked_again(
    client_as, alice, django_capture_on_commit_callbacks
):
    client = client_as("alice")
    client.post(reverse("privacy:export"))  # Queued on commit, which never comes: lost.
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(hours=1))
    page = client.get(reverse("privacy:export")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export"))

    assert "taking longer than it should" in page
    assert "Ask again" in page
    assert list(Export.objects.values_list("pk", "status")) == [(export.pk, "ready")]
    assert len(mail.outbox) == 1


def test_a_fresh_pending_export_is_not_queued_twice(alice, django_capture_on_commit_callbacks):
    exports.export_request(user=alice)

    with django_capture_on_commit_callbacks() as queued:
        _, created = exports.export_request(user=alice)

    assert created is False
    assert queued == []
