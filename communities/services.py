"""Writes that touch more than one row or send anything: communities, joining, roles,
invitations, journeys and move suggestions."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.mail import email_render_and_enqueue
from accounts.notifications import notifications_withdraw, notify, phrase
from core.plugins import rows_changed
from core.templatetags.dates import when

from . import emails, engagement, organisations
from .invitations import (
    VALID_FOR,
    invitation_address_state,
    opt_out_headers,
    opted_out,
)
from .models import (
    CheckIn,
    Community,
    Invitation,
    InvitationOptOut,
    JourneyStep,
    Membership,
    MentoringPair,
    Milestone,
    MoveSuggestion,
    OldSlug,
    Organisation,
    OrganisationRole,
    PairMeeting,
)
from .signals import community_created

# Words that read like pages rather than communities: never a community's slug.
RESERVED_SLUGS = {
    "new",
    "admin",
    "api",
    "accounts",
    "settings",
    "static",
    "media",
    "communities",
    "members",
    "journeys",
    "invitations",
    "me",
}
Role = Membership.Role
Level = Membership.Level
Status = Membership.Status


class CommunityError(Exception):
    """A request the community cannot honour; the message is shown to the person."""


# An archived community stays readable and quiet: nobody new joins, by any door.
ARCHIVED_NO_NEW_MEMBERS = gettext_lazy("This community is archived and not taking new members.")
# Said of an address whose owner asked not to be invited again.
OPTED_OUT = gettext_lazy("%(email)s asked us not to send them invitations, so nothing was sent.")


# --- Communities -----------------------------------------------------------------------


def slug_taken(slug: str, *, exclude: Community | None = None) -> bool:
    communities = Community.objects.filter(slug=slug)
    old = OldSlug.objects.filter(slug=slug)
    if exclude is not None:
        communities = communities.exclude(pk=exclude.pk)
        old = old.exclude(community=exclude)
    return slug in RESERVED_SLUGS or communities.exists() or old.exists()


def unique_slug(name: str) -> str:
    base = slugify(name)[:120].strip("-") or "community"
    slug, n = base, 1
    while slug_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


# How often community_create picks a fresh address when a parallel creation took its pick.
SLUG_ATTEMPTS = 5


@transaction.atomic
@transaction.atomic
def community_create(*, creator, **fields) -> Community:
    """A new community; its creator becomes its first coordinator, at the core. Apps that
    give a new community something of its own hear `signals.community_created` in the same
    transaction, so the community never exists without it."""
    community = Community(**fields)
    for attempt in range(SLUG_ATTEMPTS):
        community.slug = unique_slug(community.name)
        try:
            # Two people creating communities of one name at once both find the same free
            # slug; the unique key lets one have it, and the other looks again.
            with transaction.atomic():
                community.save(force_insert=True)
            break
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1:
                raise
    Membership.objects.create(
        community=community, user=creator, role=Role.COORDINATOR, level=Level.CORE
    )
    community_created.send(sender=Community, community=community, creator=creator)
    return community


@transaction.atomic
def community_update(*, community: Community, old_slug: str) -> Community:
    """Save settings; a changed slug is kept as an OldSlug so old links redirect."""
    # Two saves of the settings at once (a double click on a rename) take turns here; the
    # second finds the address already changed instead of inserting the same OldSlug.
    locked = Community.objects.select_for_update().only("slug", "slug_changed").get(pk=community.pk)
    if locked.slug != old_slug:
        raise CommunityError(
            _("The community's address changed meanwhile: here it is as it is now.")
        )
    if community.slug != old_slug:
        if locked.slug_changed:
            raise CommunityError(_("A community's address can be changed only once."))
        OldSlug.objects.create(slug=old_slug, community=community)
        community.slug_changed = True
    community.save()
    return community


def community_set_archived(*, community: Community, archived: bool) -> Community:
    community.archived = archived
    community.save(update_fields=["archived"])
    return community


# --- Joining and leaving ---------------------------------------------------------------


def _membership_claim(community: Community, user, *, status: str) -> tuple[Membership, bool]:
    """The person's membership of the community, locked, and whether it was made now (with
    `status`). Parallel requests meet at the unique key (community, user): one inserts, the
    others wait for it and then read its row, so a double click is never an IntegrityError."""
    return Membership.objects.select_for_update().get_or_create(
        community=community, user=user, defaults={"status": status}
    )


@transaction.atomic
def membership_join(*, community: Community, user) -> Membership:
    """Join an open community with one click (or come back after leaving)."""
    direct = (Community.Visibility.OPEN, Community.Visibility.ORGANISATION)
    if community.visibility not in direct or community.archived:
        raise CommunityError(_("This community is not open to join directly."))
    membership, created = _membership_claim(community, user, status=Status.ACTIVE)
    if created:
        return membership
    if membership.status == Status.ACTIVE:
        raise CommunityError(_("You are already a member."))
    membership.status = Status.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    return membership


@transaction.atomic
def join_request_create(*, community: Community, user, note: str = "") -> Membership:
    """Ask to join a request-to-join community; its facilitators are told by email."""
    if community.visibility != Community.Visibility.REQUEST or community.archived:
        raise CommunityError(_("This community does not take requests to join."))
    membership, created = _membership_claim(community, user, status=Status.REQUESTED)
    if not created and membership.status == Status.ACTIVE:
        raise CommunityError(_("You are already a member."))
    if not created and membership.status == Status.REQUESTED:
        raise CommunityError(_("Your request is already with the facilitators."))
    now = timezone.now()
    membership.status = Status.REQUESTED
    membership.request_note = note
    membership.requested_at = now
    membership.save()
    emails.email_facilitators(
        community,
        kind="communities:join_request",
        key=lambda person: f"join-request:{membership.pk}:{now.timestamp()}:{person.pk}",
        context=emails.membership_context(membership),
    )
    return membership


@transaction.atomic
def join_request_decide(*, membership: Membership, by, approve: bool) -> Membership:
    """Approve or decline a request to join; the requester is told either way."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.REQUESTED:
        raise CommunityError(_("This request has already been answered."))
    if approve and membership.community.archived:
        raise CommunityError(str(ARCHIVED_NO_NEW_MEMBERS))
    if approve:
        membership.status = Status.ACTIVE
        membership.joined_at = timezone.now()
    else:
        membership.status = Status.LEFT
    membership.save(update_fields=["status", "joined_at"])
    asked = membership.requested_at.timestamp() if membership.requested_at else 0
    key = f"join-decision:{membership.pk}:{asked}"
    community = membership.community
    notify(
        membership.user,
        "join_decision",
        key=key,
        community=community,
        actor=by,
        text=phrase(
            gettext_lazy("Welcome! Your request to join %(community)s was accepted.")
            if approve
            else gettext_lazy("Your request to join %(community)s was not accepted this time."),
            community=community.name,
        ),
        url=community.get_absolute_url(),
        email=lambda: email_render_and_enqueue(
            key=key,
            kind="communities:join_" + ("approved" if approve else "declined"),
            template_prefix="communities/email/join_" + ("approved" if approve else "declined"),
            context=emails.membership_context(membership),
            to_email=membership.user.email,
            recipient=membership.user,
        ),
    )
    return membership


@transaction.atomic
def join_request_withdraw(*, membership: Membership) -> Membership:
    """The requester takes back a request that is still waiting (they may ask again)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.REQUESTED:
        raise CommunityError(_("This request has already been answered."))
    membership.status = Status.LEFT
    membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def membership_dismiss_first_steps(*, membership: Membership) -> Membership:
    """Put away the "first steps here" card of one community (once: a second dismissal
    keeps the first time)."""
    Membership.objects.filter(pk=membership.pk, first_steps_dismissed_at__isnull=True).update(
        first_steps_dismissed_at=timezone.now()
    )
    membership.refresh_from_db(fields=["first_steps_dismissed_at"])
    return membership


def _is_last_coordinator(membership: Membership) -> bool:
    return (
        membership.role == Role.COORDINATOR
        and not Membership.objects.coordinators()
        .filter(community_id=membership.community_id)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if _is_last_coordinator(membership):
        raise CommunityError(
            _("You are this community's only coordinator: appoint another coordinator first.")
        )
    membership.status = Status.LEFT
    membership.left_at = timezone.now()
    # Leaving ends a quiet spell: nobody is "worth a hello" once gone.
    membership.quiet_since = None
    membership.save(update_fields=["status", "left_at", "quiet_since"])
    MoveSuggestion.objects.filter(membership=membership, status=MoveSuggestion.Status.OPEN).update(
        status=MoveSuggestion.Status.STALE
    )
    # What the community's notifications point at is members' only: gone from their list
    # and their unread count.
    notifications_withdraw(user_id=membership.user_id, community_id=membership.community_id)
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise CommunityError(_("Choose member, facilitator or coordinator."))
    if role != Role.COORDINATOR and _is_last_coordinator(membership):
        raise CommunityError(
            _("A community needs at least one coordinator: appoint another one first.")
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_set_about(
    *, membership: Membership, introduction: str, aspiration: str, show_aspiration: bool
) -> Membership:
    """What a member tells the community about themselves: a one-line introduction (the
    members page shows it), where they'd like to go, and whether members see that too."""
    with transaction.atomic():
        membership.introduction = introduction
        membership.aspiration = aspiration
        membership.show_aspiration = show_aspiration
        membership.save(update_fields=["introduction", "aspiration", "show_aspiration"])
    return membership


# --- Invitations -----------------------------------------------------------------------


def membership_set_muted(*, membership: Membership, muted: bool) -> Membership:
    """Mute or unmute one community for its member: no reminders from it, and it stays
    out of their digest."""
    membership.muted = muted
    membership.save(update_fields=["muted"])
    return membership


def _send_invitation(invitation: Invitation) -> None:
    """Queued on commit, once per link (the key names the nonce a re-send bumps)."""
    to_organisation = invitation.organisation_id is not None
    email_render_and_enqueue(
        key=f"invitation:{invitation.pk}:{invitation.nonce}",
        kind="communities:organisation_invitation" if to_organisation else "communities:invitation",
        template_prefix="communities/email/"
        + ("organisation_invitation" if to_organisation else "invitation"),
        context=emails.invitation_context(invitation),
        to_email=invitation.email,
        headers=opt_out_headers(invitation.email),
    )


def _day(moment: datetime) -> str:
    return when(moment, "date")


def _live_invitation_get_or_create(
    *, target: Community | Organisation, email: str, by, message: str
) -> tuple[Invitation, bool]:
    """The address's live invitation to `target` (a community or an organisation), locked,
    or a new one (created=True). Two requests inviting one address at once both try to
    insert; the constraints `invitation_one_live*` let one through, and the other answers
    with its invitation."""
    live = Invitation.objects.live_for(target, email).select_for_update()
    existing = live.first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    field = "organisation" if isinstance(target, Organisation) else "community"
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                **{field: target},
                email=email,
                invited_by=by,
                message=message,
                sent_at=now,
                expires_at=now + VALID_FOR,
            )
    except IntegrityError:
        # Another request invited this address a moment ago, and has committed by now.
        return live.get(), False
    return invitation, True


@transaction.atomic
def invitations_send(
    *, community: Community, by, emails: list[str], message: str = ""
) -> tuple[list[Invitation], dict[str, str]]:
    """Invite each address; returns (invitations sent, {address: why it was skipped}).

    An address has one live invitation per community: inviting it again sends nothing and
    says when it was invited (the page offers a re-send), unless that invitation has
    expired, when it goes out again with a fresh link."""
    if community.archived:
        raise CommunityError(str(ARCHIVED_NO_NEW_MEMBERS))
    members = {
        email.lower()
        for email in Membership.objects.active()
        .filter(community=community, user__email__in=emails)
        .values_list("user__email", flat=True)
    }
    return _invitations_send(community, by=by, emails=emails, message=message, members=members)


@transaction.atomic
def organisation_invitations_send(
    *, organisation: Organisation, by, emails: list[str], message: str = ""
) -> tuple[list[Invitation], dict[str, str]]:
    """An organisation's admin invites addresses, with or without an account: whoever
    accepts (on signing up or in with the address) belongs to the organisation. As
    `invitations_send`, one live invitation per address."""
    members = {
        email.lower()
        for email in OrganisationRole.objects.filter(
            organisation=organisation,
            role=OrganisationRole.Role.MEMBER,
            user__email__in=emails,
        ).values_list("user__email", flat=True)
    }
    return _invitations_send(organisation, by=by, emails=emails, message=message, members=members)


def _invitations_send(
    target: Community | Organisation, *, by, emails: list[str], message: str, members: set[str]
) -> tuple[list[Invitation], dict[str, str]]:
    sent, skipped = [], {}
    unwilling = opted_out(emails)
    for email in emails:
        if email.lower() in members:
            skipped[email] = _("%(email)s is already a member.") % {"email": email}
            continue
        if email.strip().lower() in unwilling:
            skipped[email] = OPTED_OUT % {"email": email}
            continue
        invitation, created = _live_invitation_get_or_create(
            target=target, email=email, by=by, message=message
        )
        if created:
            _send_invitation(invitation)
            sent.append(invitation)
        elif not invitation.is_usable:
            sent.append(invitation_resend(invitation=invitation, by=by))
        else:
            sent_on = _day(invitation.sent_at)
            skipped[email] = _(
                "%(email)s was already invited on %(day)s: use Re-send below if it went astray."
            ) % {"email": email, "day": sent_on}
    return sent, skipped


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """A fresh link with a fresh expiry; every earlier link of this invitation stops working.
    A withdrawn invitation comes back to life, unless its address has a newer live one."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise CommunityError(_("This invitation has already been accepted."))
    if invitation.community is not None and invitation.community.archived:
        raise CommunityError(str(ARCHIVED_NO_NEW_MEMBERS))
    if opted_out([invitation.email]):
        raise CommunityError(OPTED_OUT % {"email": invitation.email})
    newer = (
        Invitation.objects.live_for(invitation.target, invitation.email)
        .exclude(pk=invitation.pk)
        .first()
    )
    if newer is not None:
        sent_on = _day(newer.sent_at)
        raise CommunityError(
            _(
                "%(email)s already has a newer invitation, sent on %(day)s: "
                "re-send that one instead."
            )
            % {"email": invitation.email, "day": sent_on}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            Invitation.objects.filter(pk=invitation.pk).update(
                nonce=F("nonce") + 1, sent_at=now, expires_at=now + VALID_FOR, revoked_at=None
            )
    except IntegrityError:
        # A new invitation to this address was made while we looked: it stands.
        raise CommunityError(
            _("%(email)s already has a newer invitation: re-send that one instead.")
            % {"email": invitation.email}
        ) from None
    invitation.refresh_from_db()
    _send_invitation(invitation)
    return invitation


def invitation_opt_out(*, address_hash: str) -> None:
    """Never invite this address again, from any community (kept as its hash only).
    Saying it twice, or two clicks at once, leaves one row."""
    InvitationOptOut.objects.bulk_create(
        [InvitationOptOut(address_hash=address_hash)], ignore_conflicts=True
    )


def invitation_opt_out_undo(*, address_hash: str) -> None:
    """Changed their mind: communities may invite this address again."""
    InvitationOptOut.objects.filter(address_hash=address_hash).delete()


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise CommunityError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership | None:
    """Use the invitation (once) and make `user` an active member, starting peripheral;
    or, for an organisation's invitation, one who belongs to it (None). Only its
    addressee may: `user` must have verified the address it was sent to."""
    if invitation.community is not None and invitation.community.archived:
        raise CommunityError(str(ARCHIVED_NO_NEW_MEMBERS))
    if invitation_address_state(invitation, user) != "verified":
        raise CommunityError(
            _("This invitation was sent to %(email)s, not to you.") % {"email": invitation.email}
        )
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        nonce=invitation.nonce,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).update(accepted_at=timezone.now(), accepted_by=user)
    if not claimed:
        raise CommunityError(_("This invitation link can no longer be used."))
    if invitation.organisation is not None:
        organisations.grant(invitation.organisation, user, OrganisationRole.Role.MEMBER)
        return None
    membership, created = _membership_claim(invitation.community, user, status=Status.ACTIVE)
    if created:
        return membership
    if membership.status != Status.ACTIVE:
        membership.status = Status.ACTIVE
        membership.joined_at = timezone.now()
        membership.save(update_fields=["status", "joined_at"])
    return membership


# --- Journeys --------------------------------------------------------------------------


@transaction.atomic
def journey_move(
    *, membership: Membership, to_level: str, by, evidence: str = "", note: str = ""
) -> JourneyStep:
    """Move a member to `to_level`: the JourneyStep and the new level are written together.
    Any open suggestion for them is settled (the move answers it)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if to_level not in Level.values:
        raise CommunityError(_("Choose peripheral, active or core."))
    if locked.status != Status.ACTIVE:
        raise CommunityError(_("Only current members can move on their journey."))
    if locked.level == to_level:
        raise CommunityError(
            pgettext("journey level", "%(name)s is already %(level)s.")
            % {"name": locked.user.name, "level": locked.get_level_display()}
        )
    step = JourneyStep.objects.create(
        membership=locked,
        from_level=locked.level,
        to_level=to_level,
        confirmed_by=by,
        evidence=evidence,
        note=note,
    )
    locked.level = to_level
    locked.save(update_fields=["level"])
    if step.is_inward:
        notify(
            locked.user,
            "journey_celebration",
            key=f"journey-step:{step.pk}",
            community=locked.community,
            actor=by,
            text=phrase(
                gettext_lazy(
                    "You moved from %(from)s to %(to)s in %(community)s. Thank you for all you "
                    "bring — welcome further in!"
                ),
                **{
                    "from": Membership.Level(step.from_level).label,
                    "to": Membership.Level(to_level).label,
                    "community": locked.community.name,
                },
            ),
            url=locked.community.get_absolute_url(),
        )
    MoveSuggestion.objects.filter(membership=locked, status=MoveSuggestion.Status.OPEN).update(
        status=MoveSuggestion.Status.STALE, decided_at=timezone.now()
    )
    membership.level = to_level
    return step


@transaction.atomic
def suggestion_confirm(*, suggestion: MoveSuggestion, by, note: str = "") -> JourneyStep:
    suggestion = MoveSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != MoveSuggestion.Status.OPEN:
        raise CommunityError(_("This suggestion has already been answered."))
    if suggestion.membership.level != suggestion.from_level:
        raise CommunityError(_("This member's level has changed since; nothing was moved."))
    step = journey_move(
        membership=suggestion.membership,
        to_level=suggestion.to_level,
        by=by,
        # Written in the language of the person confirming, from the signals.
        evidence=engagement.suggestion_evidence(suggestion, suggestion.membership.community),
        note=note,
    )
    suggestion.status = MoveSuggestion.Status.CONFIRMED
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = by
    suggestion.save(update_fields=["status", "decided_at", "decided_by"])
    return step


def suggestion_dismiss(*, suggestion: MoveSuggestion, by) -> MoveSuggestion:
    updated = MoveSuggestion.objects.filter(
        pk=suggestion.pk, status=MoveSuggestion.Status.OPEN
    ).update(status=MoveSuggestion.Status.DISMISSED, decided_at=timezone.now(), decided_by=by)
    if not updated:
        raise CommunityError(_("This suggestion has already been answered."))
    suggestion.refresh_from_db()
    return suggestion


@transaction.atomic
def move_suggestions_refresh(
    *, community: Community, now: datetime | None = None
) -> list[MoveSuggestion]:
    """Bring the community's suggestions and quiet spells in line with its signals;
    returns the new suggestions.

    An open suggestion the signals still support is kept (its evidence updated); one they
    no longer support goes stale. A dismissed suggestion is not made again until its
    evidence changes. A step back is offered one at a time: while one is open, no other
    is made (and of older ones, one stays). Quiet spells start and end here too
    (quiet_spells_refresh). Fixed queries, whatever the number of members.
    """
    # One refresh of a community at a time: two at once would each offer a step back.
    Community.objects.select_for_update().filter(pk=community.pk).first()
    now = now or timezone.now()
    Open = MoveSuggestion.Status.OPEN
    review = engagement.community_review(community, now=now)
    quiet_spells_refresh(community=community, review=review, now=now)
    open_ = {
        s.membership_id: s
        for s in MoveSuggestion.objects.filter(membership__community=community, status=Open)
    }
    dismissed = set(
        (membership_id, to_level, _signals_key(signals))
        for membership_id, to_level, signals in MoveSuggestion.objects.filter(
            membership__community=community,
            status=MoveSuggestion.Status.DISMISSED,
            from_level=F("membership__level"),
        ).values_list("membership_id", "to_level", "signals")
    )
    new, changed, keep = [], [], set()
    outward_kept = False
    for move in sorted(review.moves, key=lambda m: (m.is_inward, m.membership_id)):
        current = open_.get(move.membership_id)
        if current is not None and current.to_level == move.to_level:
            if not move.is_inward:
                if outward_kept:
                    continue
                outward_kept = True
            keep.add(current.pk)
            if current.signals != move.signals:
                current.signals, current.evidence = move.signals, move.evidence
                changed.append(current)
    outward_offered = outward_kept
    for move in sorted(review.moves, key=lambda m: m.membership_id):
        current = open_.get(move.membership_id)
        if current is not None and current.to_level == move.to_level:
            continue
        if (move.membership_id, move.to_level, _signals_key(move.signals)) in dismissed:
            continue
        if not move.is_inward:
            # Never a list of steps back: one, and the next after it is answered.
            if outward_offered:
                continue
            outward_offered = True
        new.append(
            MoveSuggestion(
                membership_id=move.membership_id,
                from_level=move.from_level,
                to_level=move.to_level,
                signals=move.signals,
                evidence=move.evidence,
            )
        )
    stale = [s.pk for s in open_.values() if s.pk not in keep]
    MoveSuggestion.objects.filter(pk__in=stale).update(
        status=MoveSuggestion.Status.STALE, decided_at=timezone.now()
    )
    MoveSuggestion.objects.bulk_update(changed, ["signals", "evidence"])
    try:
        with transaction.atomic():
            created = MoveSuggestion.objects.bulk_create(new)
    except IntegrityError:
        # Another refresh got there first; its suggestions stand.
        created = []
    return created


def quiet_spells_refresh(*, community: Community, review, now: datetime) -> None:
    """Start a quiet spell for each member the review finds quiet who is not in one yet,
    and end the spells of everyone else; a member seen again after a check-in has come
    back (CheckIn.came_back_at). Three statements, whatever the number of members."""
    Membership.objects.filter(pk__in=review.quiet, quiet_since=None).update(quiet_since=now)
    ending = Membership.objects.filter(community=community, quiet_since__isnull=False).exclude(
        pk__in=review.quiet
    )
    came_back = CheckIn.objects.filter(
        membership__in=ending.filter(pk__in=review.seen),
        spell_started_at=F("membership__quiet_since"),
        came_back_at=None,
    ).update(came_back_at=now)
    ending.update(quiet_since=None)
    if came_back:  # A check-in of a closed month may now count as answered.
        rows_changed([community.pk])


@transaction.atomic
def checkin_send(*, membership: Membership, by) -> tuple[CheckIn, bool]:
    """Send a quiet member the community's check-in, from `by`: once per quiet spell.
    Returns (check-in, created); a second send in the same spell (a double click, two
    facilitators at once) gives the first one and sends nothing. The email is queued
    after commit under the check-in's key."""
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "community")
        .get(pk=membership.pk)
    )
    name = locked.user.name
    if locked.status != Status.ACTIVE:
        raise CommunityError(
            _("%(name)s is no longer a member here, so no hello was sent.") % {"name": name}
        )
    if locked.quiet_since is None:
        raise CommunityError(
            _("%(name)s has been around lately, so no hello is needed.") % {"name": name}
        )
    if locked.muted:
        raise CommunityError(
            _("%(name)s has muted this community, so no hello was sent.") % {"name": name}
        )
    checkin, created = CheckIn.objects.get_or_create(
        membership=locked, spell_started_at=locked.quiet_since, defaults={"sent_by": by}
    )
    if created:
        with timezone.override(locked.user.zoneinfo):
            email_render_and_enqueue(
                key=f"checkin:{checkin.pk}",
                kind="communities:checkin",
                template_prefix="communities/email/checkin",
                context=emails.checkin_context(checkin, by),
                to_email=locked.user.email,
                recipient=locked.user,
                headers={"Reply-To": by.email},
            )
    return checkin, created


def _signals_key(signals: dict) -> tuple:
    return tuple(sorted((str(k), int(v)) for k, v in signals.items()))


@transaction.atomic
def move_suggestions_notify(*, community: Community) -> int:
    """Tell the community's facilitators about suggestions they have not heard of yet:
    one email each listing them; every suggestion is announced at most once."""
    pending = list(
        MoveSuggestion.objects.select_for_update(of=("self",))
        .filter(membership__community=community, status=MoveSuggestion.Status.OPEN)
        .filter(notified_at=None)
        .select_related("membership__user")
        .order_by("pk")
    )
    if not pending:
        return 0
    batch = f"{pending[0].pk}-{pending[-1].pk}-{len(pending)}"
    emails.email_facilitators(
        community,
        kind="communities:move_suggestions",
        key=lambda person: f"move-suggestions:{community.pk}:{person.pk}:{batch}",
        context=emails.move_suggestions_context(community, pending),
    )
    MoveSuggestion.objects.filter(pk__in=[s.pk for s in pending]).update(notified_at=timezone.now())
    return len(pending)


# --- Mentoring ---------------------------------------------------------------------------
# Opt-in on both sides: a mentor said "I'm happy to mentor", a newcomer "I'd welcome a
# buddy" (their aspiration). A facilitator pairs them; both are told once, each with the
# other's introduction; either may end it, and the other is told.


class PairingError(CommunityError):
    """A pairing refused; `field` names the form field the message belongs to ("mentor",
    "newcomer", or None for the form as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _pair_email(pair: MentoringPair, *, to, template: str, key: str, **extra) -> None:
    other = pair.other(to)
    introduction = (
        Membership.objects.filter(community=pair.community, user=other)
        .values_list("introduction", flat=True)
        .first()
    )
    email_render_and_enqueue(
        key=key,
        kind=f"communities:{template}",
        template_prefix=f"communities/email/{template}",
        context={
            "to": to,
            "other": other,
            "introduction": introduction or "",
            "pair": pair,
            "community": pair.community,
            "is_mentor": to.pk == pair.mentor_id,
            **extra,
        },
        to_email=to.email,
        recipient=to,
    )


@transaction.atomic
def pair_create(*, community: Community, mentor, newcomer, by) -> MentoringPair:
    """Pair `mentor` with `newcomer` in `community`: both must be active members of it who
    opted in, and the newcomer must have no buddy yet. A double submit finds the pair the
    first one made (the constraint `pair_one_active_buddy`) rather than making a second."""
    if mentor.pk == newcomer.pk:
        raise PairingError(_("Choose two different people: someone can't be their own buddy."))
    memberships = {
        m.user_id: m
        for m in Membership.objects.active()
        .select_for_update()
        .filter(community=community, user__in=[mentor, newcomer])
    }
    if mentor.pk not in memberships:
        raise PairingError(_("Choose a mentor who is a member of this community."), "mentor")
    if newcomer.pk not in memberships:
        raise PairingError(_("Choose a newcomer who is a member of this community."), "newcomer")
    if memberships[mentor.pk].aspiration != Membership.MENTOR:
        raise PairingError(
            _("%(name)s hasn't said “%(aspiration)s”, so they can't be asked to mentor yet.")
            % {"name": mentor.name, "aspiration": Membership.aspiration_words(Membership.MENTOR)},
            "mentor",
        )
    existing = (
        MentoringPair.objects.active()
        .filter(community=community, newcomer=newcomer)
        .select_related("mentor")
        .first()
    )
    if existing is not None:
        if existing.mentor_id == mentor.pk:
            return existing  # The same pairing sent twice: the one pair.
        raise PairingError(
            _("%(name)s already has a buddy: %(mentor)s.")
            % {"name": newcomer.name, "mentor": existing.mentor.name},
            "newcomer",
        )
    if memberships[newcomer.pk].aspiration != Membership.BUDDY:
        raise PairingError(
            _("%(name)s hasn't said “%(aspiration)s”, so they can't be paired yet.")
            % {"name": newcomer.name, "aspiration": Membership.aspiration_words(Membership.BUDDY)},
            "newcomer",
        )
    try:
        with transaction.atomic():
            pair = MentoringPair.objects.create(
                community=community, mentor=mentor, newcomer=newcomer, paired_by=by
            )
    except IntegrityError:
        # Another submit paired the newcomer in the meantime.
        pair = MentoringPair.objects.active().get(community=community, newcomer=newcomer)
        if pair.mentor_id != mentor.pk:
            raise PairingError(
                _("%(name)s already has a buddy.") % {"name": newcomer.name}, "newcomer"
            ) from None
        return pair
    url = pair.get_absolute_url()
    for person, other, role in ((mentor, newcomer, "mentor"), (newcomer, mentor, "newcomer")):
        key = f"pair-made:{pair.pk}:{person.pk}"
        text = phrase(
            gettext_lazy("You're paired with %(name)s in %(community)s: you'll be their mentor.")
            if role == "mentor"
            else gettext_lazy(
                "You're paired with %(name)s in %(community)s: they'll be your buddy."
            ),
            name=other.name,
            community=community.name,
        )
        notify(
            person,
            "mentoring_paired",
            key=key,
            community=community,
            actor=by,
            text=text,
            url=url,
            email=lambda person=person, key=key: _pair_email(
                pair, to=person, template="pair_made", key=key
            ),
        )
    return pair


@transaction.atomic
def pair_end(*, pair: MentoringPair, by) -> MentoringPair:
    """End the pair kindly: the other person is told (a facilitator ending it tells both).
    Ending twice changes nothing and tells nobody again."""
    locked = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if locked.ended_at is not None:
        raise CommunityError(_("This pairing has already ended."))
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.save(update_fields=["ended_at", "ended_by"])
    community = pair.community
    for person in (pair.mentor, pair.newcomer):
        if person.pk == by.pk:
            continue
        key = f"pair-ended:{pair.pk}:{person.pk}"
        ender = "a facilitator" if not pair.includes(by) else by.name
        notify(
            person,
            "mentoring_ended",
            key=key,
            community=community,
            actor=by,
            text=phrase(
                gettext_lazy(
                    "Your mentoring pairing with %(name)s in %(community)s was ended by "
                    "%(ender)s. Thank you for the time you gave each other."
                ),
                name=pair.other(person).name,
                community=community.name,
                ender=by.name if pair.includes(by) else gettext_lazy("a facilitator"),
            ),
            url=pair.get_absolute_url(),
            email=lambda person=person, key=key, ender=ender: _pair_email(
                pair,
                to=person,
                template="pair_ended",
                key=key,
                # A name, or blank when a facilitator ended it (the template words that).
                ender=by.name if pair.includes(by) else "",
            ),
        )
    pair.ended_at, pair.ended_by = locked.ended_at, by
    return pair


def _pair_open(pair: MentoringPair, by) -> None:
    if not pair.includes(by):
        raise CommunityError(_("Only the two people of the pair can write here."))
    if pair.ended_at is not None:
        raise CommunityError(_("This pairing has ended, so it is kept as it was."))


@transaction.atomic
def pair_note_save(*, pair: MentoringPair, by, note: str) -> MentoringPair:
    """Save the pair's shared note (either of the two may write it)."""
    _pair_open(pair, by)
    pair.note, pair.note_by, pair.note_at = note, by, timezone.now()
    pair.save(update_fields=["note", "note_by", "note_at"])
    return pair


@transaction.atomic
def pair_meeting_record(*, pair: MentoringPair, by, met_on, line: str = "") -> PairMeeting:
    """A "we met" check-in: once per pair and day (the second keeps the first)."""
    _pair_open(pair, by)
    if met_on > timezone.localdate():
        raise PairingError(_("Choose today or a day before: this records a meeting that happened."))
    if met_on < pair.started_at.date():
        raise PairingError(_("Choose a day since you were paired."))
    meeting, _created = PairMeeting.objects.get_or_create(
        pair=pair, met_on=met_on, defaults={"by": by, "line": line}
    )
    return meeting


@transaction.atomic
def milestone_celebrate(
    *, membership: Membership, kind: str, key: str, detail: str = "", pair=None, text: str
) -> Milestone | None:
    """Record a milestone (a celebration that is not a level change) once per `key`, and
    tell the member. Returns None when it was already recorded."""
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                membership=membership, kind=kind, key=key, detail=detail[:200], pair=pair
            )
    except IntegrityError:
        return None
    notify(
        membership.user,
        "milestone_celebration",
        key=f"milestone:{key}",
        community=membership.community,
        text=text,
        url=membership.community.get_absolute_url(),
    )
    return milestone
