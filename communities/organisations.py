"""Organisations (issue 19): who leads, administers and belongs to which organisation.

Writes and reads for organisations live here (the communities app holds them: an
organisation holds communities, and the layers put it below the apps that scope by it).
`User.is_leader` mirrors "leads at least one organisation" (and `is_organisation_admin`
"administers one") so the navigation and the choke points ask it at no query; every
change of a role goes through `grant` and `revoke`, which keep them.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Lower, StrIndex, Substr

from accounts.models import User

from .models import Community, Membership, Organisation, OrganisationDomain, OrganisationRole

Role = OrganisationRole.Role


def _sync_role_flags(user) -> None:
    """`User.is_leader` and `User.is_organisation_admin` from `user`'s roles."""
    roles = set(OrganisationRole.objects.filter(user=user).values_list("role", flat=True))
    flags = {"is_leader": Role.LEADER in roles, "is_organisation_admin": Role.ADMIN in roles}
    if any(getattr(user, name) != value for name, value in flags.items()):
        for name, value in flags.items():
            setattr(user, name, value)
        User.objects.filter(pk=user.pk).update(**flags)


def sync_leader_flags(user_ids) -> None:
    """Set `User.is_leader` and `User.is_organisation_admin` for these people from their
    roles (the admin's inline changes roles without `grant`/`revoke`)."""
    roles = OrganisationRole.objects.filter(user=OuterRef("pk"))
    User.objects.filter(pk__in=list(user_ids)).update(
        is_leader=Exists(roles.filter(role=Role.LEADER)),
        is_organisation_admin=Exists(roles.filter(role=Role.ADMIN)),
    )


def grant(organisation: Organisation, user, role: str) -> bool:
    """Give `user` `role` in `organisation`; False when they already had it (a double
    submit grants once)."""
    try:
        with transaction.atomic():
            _, created = OrganisationRole.objects.get_or_create(
                organisation=organisation, user=user, role=role
            )
    except IntegrityError:
        created = False
    if role in (Role.LEADER, Role.ADMIN):
        _sync_role_flags(user)
    return created


def revoke(organisation: Organisation, user, role: str) -> bool:
    """Take `role` in `organisation` from `user`; False when they did not hold it."""
    deleted, _ = OrganisationRole.objects.filter(
        organisation=organisation, user=user, role=role
    ).delete()
    if role in (Role.LEADER, Role.ADMIN):
        _sync_role_flags(user)
    return bool(deleted)


def set_domains(organisation: Organisation, domains: list[str]) -> None:
    """Replace the organisation's email domains (already validated and free)."""
    with transaction.atomic():
        OrganisationDomain.objects.filter(organisation=organisation).exclude(
            domain__in=domains
        ).delete()
        for domain in domains:
            OrganisationDomain.objects.get_or_create(organisation=organisation, domain=domain)


# --- reads -------------------------------------------------------------------------------


def email_domain(field: str = "email"):
    """The domain of the address at `field` (after the "@", lower-case), as an expression."""
    return Lower(Substr(field, StrIndex(field, Value("@")) + 1))


def verified_domains(user) -> list[str]:
    """The domains of `user`'s verified email addresses (allauth's records)."""
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return []
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({email.rpartition("@")[2].lower() for email in emails})


def _domains_of(user):
    """The organisation domains of `user`'s verified addresses (a subquery)."""
    from allauth.account.models import EmailAddress

    return OrganisationDomain.objects.filter(
        domain__in=EmailAddress.objects.filter(user=user, verified=True)
        .annotate(domain=email_domain())
        .values("domain")
    )


def email_domain_matches(user, field: str = "organisation"):
    """True for a row whose organisation (at `field`) has a domain of one of `user`'s
    verified addresses, as an expression (the directory lists those first)."""
    return Exists(_domains_of(user).filter(organisation=OuterRef(field)))


def belongs_q(user) -> Q:
    """Organisations `user` belongs to: a role there (an admin's invitation, leader,
    admin), a verified email in its domains, or an active membership of one of its
    communities. One condition on Organisation, no query of its own."""

    roles = OrganisationRole.objects.filter(user=user).values("organisation_id")
    communities = Community.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).values("organisation_id")
    by_domain = _domains_of(user).values("organisation_id")
    return Q(pk__in=roles) | Q(pk__in=communities) | Q(pk__in=by_domain)


def organisations_of(user):
    """The organisations `user` belongs to (see `belongs_q`)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(belongs_q(user)).distinct()


def led_organisations(user):
    """The organisations `user` leads, by name."""
    return Organisation.objects.led_by(user).order_by("name")


def may_create_in(user):
    """The organisations `user` may create a community in: those they belong to (and the
    site's own), less those where only admins create communities and they are none."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    Organisation.objects.default()  # made by the migration; a flushed database lacks it
    admin_of = OrganisationRole.objects.filter(user=user, role=Role.ADMIN).values("organisation_id")
    return (
        Organisation.objects.filter(belongs_q(user) | Q(is_default=True))
        .filter(Q(admins_only_create=False) | Q(pk__in=admin_of))
        .distinct()
        .order_by("-is_default", "name")
    )


def roles_of(user) -> list[dict]:
    """The organisations `user` leads or administers, by name, each as {"organisation",
    "admin", "leader", "dashboard_url"} (the dashboard's, for leaders; one query)."""
    from core.plugins import organisation_link_for

    found: dict[int, dict] = {}
    roles = (
        OrganisationRole.objects.filter(user=user, role__in=[Role.ADMIN, Role.LEADER])
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    for role in roles:
        row = found.setdefault(
            role.organisation_id,
            {"organisation": role.organisation, "admin": False, "leader": False},
        )
        row[role.role] = True
    for row in found.values():
        slug = row["organisation"].slug
        row["dashboard_url"] = organisation_link_for("dashboard", slug) if row["leader"] else None
    return list(found.values())


def move_effects(community: Community, to: Organisation) -> dict:
    """What moving `community` to `to` changes, for the confirmation page: the leaders who
    stop and start seeing its dashboard and stories, and who may find and join it."""
    leaders = (
        OrganisationRole.objects.filter(
            organisation__in=[community.organisation_id, to.pk], role=Role.LEADER
        )
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    old = [r.user for r in leaders if r.organisation_id == community.organisation_id]
    new = [r.user for r in leaders if r.organisation_id == to.pk]
    old_ids, new_ids = {u.pk for u in old}, {u.pk for u in new}
    within = community.visibility == Community.Visibility.ORGANISATION
    return {
        "losing": [u for u in old if u.pk not in new_ids],
        "gaining": [u for u in new if u.pk not in old_ids],
        "keeping": [u for u in new if u.pk in old_ids],
        "within": within,
        # The site's own organisation is everyone here: "open within" means nothing there.
        "becomes_request": within and to.is_default,
        "members": Membership.objects.active().filter(community=community).count(),
    }


def community_move(community: Community, to: Organisation) -> Community:
    """Put `community` in the organisation `to`: its leaders now see it, the old one's no
    longer; its members then belong to `to` (through it). Open within the organisation
    stays so, within `to`; into the site's own organisation it becomes request-to-join."""
    with transaction.atomic():
        community = Community.objects.select_for_update().get(pk=community.pk)
        fields = ["organisation"]
        community.organisation = to
        if to.is_default and community.visibility == Community.Visibility.ORGANISATION:
            community.visibility = Community.Visibility.REQUEST
            fields.append("visibility")
        community.save(update_fields=fields)
    return community
