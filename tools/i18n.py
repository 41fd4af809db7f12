"""copsite's translation catalogs: `python -m tools.i18n compile|check|update`.

- Two domains: `django.po` (Python and templates) and `djangojs.po` (static/js, served by
  the JavaScript catalog at /jsi18n/).
- `compile` builds each locale/<lang>/LC_MESSAGES/*.mo from its .po with polib, in pure
  Python, so a machine without GNU gettext still runs `make run` (`make install` calls it;
  the .mo files are not kept in git). Written by hand over polib because Django's
  compilemessages needs GNU msgfmt.
- `update` runs makemessages for every language of settings.LANGUAGES but the default (GNU
  xgettext needed: `.ci/run` installs gettext), then compiles (`make messages`).
- `check` (in `make lint`) runs the same extraction on a copy and fails when it would
  change a catalog's entries: a string added, changed or removed without `make messages`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# "django": Python and templates; "djangojs": static/js/*.js (makemessages -d djangojs reads
# only .js files), served by the JavaScript catalog at /jsi18n/.
DOMAINS = ("django", "djangojs")
# Where makemessages must not look: our dependencies, the tests (their strings are never
# shown), the runtime folder.
# static/vendor: third-party scripts (htmx), whose strings are not ours.
IGNORED = (
    ".venv/*",
    ".uv/*",
    "var/*",
    "tests/*",
    "htmlcov/*",
    "node_modules/*",
    "static/vendor/*",
)


def languages() -> list[str]:
    """The locale names to keep catalogs for: every language but the default (English,
    whose words are the msgids)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copsite.settings")
    import django
    from django.conf import settings
    from django.utils.translation import to_locale

    django.setup()
    default = settings.LANGUAGE_CODE.split("-")[0]
    return [to_locale(code) for code, _name in settings.LANGUAGES if code.split("-")[0] != default]


def compile_catalogs(locale: Path = LOCALE) -> int:
    """Write each .po's .mo beside it; how many were written."""
    import polib

    written = 0
    for po_path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        written += 1
    return written


def extract(locale_names: list[str]) -> None:
    """makemessages for `locale_names`, file names but no line numbers in the comments (so
    moving code does not churn the catalogs), obsolete entries dropped."""
    from django.core.management import call_command

    for domain in DOMAINS:
        call_command(
            "makemessages",
            locale=locale_names,
            domain=domain,
            ignore_patterns=list(IGNORED),
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )


def entries(po_path: Path) -> set[tuple]:
    """What a catalog asks translators for: (context, msgid, plural) of each live entry."""
    import polib

    if not po_path.exists():
        return set()
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(po_path))
        if not entry.obsolete and entry.msgid
    }


def check() -> list[str]:
    """The catalogs extraction would change, each with what it would add or drop."""
    names = languages()
    kept = Path(tempfile.mkdtemp(prefix="copsite-locale-"))
    try:
        if LOCALE.exists():
            shutil.copytree(LOCALE, kept / "locale")
        extract(names)
        problems = []
        for name in names:
            for domain in DOMAINS:
                relative = Path(name) / "LC_MESSAGES" / f"{domain}.po"
                before, after = entries(kept / "locale" / relative), entries(LOCALE / relative)
                if before != after:
                    added = sorted(after - before, key=str)[:5]
                    dropped = sorted(before - after, key=str)[:5]
                    problems.append(f"locale/{relative}: would add {added} and drop {dropped}")
        return problems
    finally:
        # Leave the tree as it was: `check` only reports.
        if LOCALE.exists():
            shutil.rmtree(LOCALE)
        if (kept / "locale").exists():
            shutil.copytree(kept / "locale", LOCALE)
        shutil.rmtree(kept)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "compile":
        print(f"Compiled {compile_catalogs()} translation catalogs.")
        return 0
    if command == "update":
        extract(languages())
        print(f"Catalogs updated; compiled {compile_catalogs()}.")
        return 0
    if command == "check":
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("Run `make messages`, translate the new entries and commit.", file=sys.stderr)
            return 1
        print("Translation catalogs are up to date.")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
