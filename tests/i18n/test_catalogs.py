"""The translation catalogs are complete (every entry translated, none fuzzy, the
placeholders kept) and up to date with the code (`make lint` runs the extraction check;
here it runs too, so a string added without `make messages` fails the suite as well)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tools import i18n

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_every_language_but_english_has_a_catalog():
    names = {path.parts[-3] for path in CATALOGS}
    assert names == {"fr", "es"}


def test_every_language_has_a_catalog_per_domain():
    """Python and templates (django.po), and static/js (djangojs.po, the JavaScript
    catalog at /jsi18n/)."""
    found = {(path.parts[-3], path.stem) for path in CATALOGS}
    assert found == {(lang, domain) for lang in ("fr", "es") for domain in i18n.DOMAINS}
    assert set(i18n.DOMAINS) == {"django", "djangojs"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_each_catalog_is_complete(path):
    catalog = polib.pofile(str(path))

    assert not catalog.metadata_is_fuzzy
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    assert catalog.metadata["Language"] == path.parts[-3]
    assert "Plural-Forms" in catalog.metadata


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_each_plural_has_every_form_of_its_language(path):
    """Spanish has three forms (Django's own catalog's Plural-Forms): a plural translated
    with two would fall back to English for the third."""
    catalog = polib.pofile(str(path))
    forms = int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_each_translation_keeps_the_placeholders(path):
    for entry in polib.pofile(str(path)).translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            # A plural's first form may leave the count out ("un jour"), never a name.
            found = sorted(PLACEHOLDER.findall(text))
            assert set(found) <= set(wanted) and set(wanted) - set(found) <= {"%(count)s"}, (
                entry.msgid,
                text,
            )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogs_hold_every_string_of_the_code():
    assert i18n.check() == []


def test_compiling_needs_no_gnu_gettext(tmp_path):
    """`make install` builds the .mo files with polib: here into a copy."""
    shutil.copytree(LOCALE, tmp_path / "locale")
    for mo in (tmp_path / "locale").glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()

    assert i18n.compile_catalogs(tmp_path / "locale") == len(CATALOGS)
    for po in CATALOGS:
        compiled = tmp_path / "locale" / po.relative_to(LOCALE).with_suffix(".mo")
        assert len(polib.mofile(str(compiled))) == len(polib.pofile(str(po)).translated_entries())
