"""`make run` with nothing configured runs on SQLite (the embedded default), while the suite
and CI run on PostgreSQL: a query SQLite refuses (a LIMIT or ORDER BY inside a UNION, say)
would pass every other test and break the demo a newcomer opens first. Here the demo is
migrated and seeded on SQLite in a process of its own, and each demo account walks the
pages its home page links to, and theirs: none answers 500."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

WALK = r"""
import json, sys

import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from accounts.models import User

from tests.quality.test_crawl import walk

ROLES = [
    "newcomer@example.com", "member@example.com", "facilitator@example.com",
    "coordinator@example.com", "leader@example.com", "farah@demo.copsite.org", None,
]
PAGES_PER_ROLE = int(sys.argv[1])


failed, walked = [], {}
for email in ROLES:
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(User.objects.get(email=email))
    count = 0
    for path, response in walk(client, ["/"], PAGES_PER_ROLE):
        count += 1
        if response.status_code >= 500:
            failed.append([email, path, response.status_code])
    walked[email or "anonymous"] = count

# And a write that runs SQL of copsite's own: the demo member, whom others mentioned,
# deletes their account (privacy.erasure rewrites those mentions with REGEXP_REPLACE).
from reflections.models import Mention
from tests.privacy.test_delete_pages import remember_sign_in
member = User.objects.get(email="member@example.com")
mentioned = Mention.objects.filter(person=member).count()
client = Client(raise_request_exception=False)
client.force_login(member)
remember_sign_in(client, member, method="password", reauthenticated=True)
kinds = ("reflections", "responses", "work", "actions", "stories")
choices = {"keep_" + kind: "keep" for kind in kinds}
deleted = client.post("/settings/delete/", {**choices, "confirm": "on"})
member.refresh_from_db()
print(json.dumps({
    "failed": failed,
    "walked": walked,
    "deleted": [deleted.status_code, member.is_active, mentioned],
}))
"""


def test_the_demo_runs_on_sqlite_for_every_demo_account(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_SETTINGS_MODULE="copsite.settings", COPSITE_VAR_DIR=str(tmp_path))

    def run(*args):
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        done = run("manage.py", *command)
        assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "copsite.sqlite3").exists()

    done = run("-c", WALK, "80")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == []
    # The member deleted their account (a redirect to "deleted", the account emptied), the
    # mentions of them rewritten on the way.
    status, active, mentioned = result["deleted"]
    assert (status, active) == (302, False)
    assert mentioned > 0
    # Each signed-in account reached well beyond its home page.
    assert all(count > 15 for who, count in result["walked"].items() if who != "anonymous")
