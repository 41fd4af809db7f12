from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from core.plugins import app_modules


class Command(BaseCommand):
    help = "Create demo communities and people. Idempotent; refuses with debug off."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a public password; "
                "with DJANGO_DEBUG off it needs --force."
            )
        people: dict = {}
        with transaction.atomic():
            # Each app seeds its own living demo content, in the order of settings.PLUGIN_APPS.
            # A seeder takes the dict of demo people (email → User), may add to it, and
            # must change nothing on a second run.
            accounts_demo.seed(people)
            for module in app_modules("demo"):
                module.seed(people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at " + settings.SITE_URL))
        self.stdout.write(f"Every demo account's password: {accounts_demo.DEMO_PASSWORD}")
        for email, _name, about, _leader in accounts_demo.DEMO_PEOPLE:
            self.stdout.write(f"  {email:<28} {about}")
