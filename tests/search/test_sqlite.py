"""The embedded default (SQLite): every migration applies (the search vectors are
PostgreSQL's only), and the search page finds words by icontains, scoped and escaped as on
PostgreSQL. Run in a child process on a fresh SQLite file, since the suite's database is
PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
from django.test import Client
from accounts.models import User
from communities.models import Community, Membership
from reflections.models import Reflection

me = User.objects.create_user(email="me@example.org", password="x")
other = User.objects.create_user(email="other@example.org", password="x")
river = Community.objects.create(name="River", slug="river", domain="d")
Membership.objects.create(community=river, user=me)
Membership.objects.create(community=river, user=other)
Reflection.objects.create(community=river, author=me, title="Mapping day",
                          body="We drew <b>maps</b> of the river.")
Reflection.objects.create(community=river, author=other, title="Secret maps",
                          body="maps", visibility="private")
client = Client()
client.force_login(me)
page = client.get("/search/", {"q": "maps"}, HTTP_HOST="127.0.0.1").content.decode()
print("STATUS-OK" if "Mapping day" in page else "MISSING")
print("ESCAPED-OK" if "&lt;b&gt;<mark>maps</mark>&lt;/b&gt;" in page else "NOT-ESCAPED")
print("HIDDEN-OK" if "Secret maps" not in page else "LEAKED")
"""


def test_migrations_apply_and_search_falls_back_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "copsite.settings",
        "REDIS_URL": "",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    shell = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == ["STATUS-OK", "ESCAPED-OK", "HIDDEN-OK"]
