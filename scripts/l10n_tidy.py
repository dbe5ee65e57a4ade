"""Tidy the catalogues after `make messages` (manage.py makemessages -l de -l en ...).

* Sets a proper header in locale/{de,en}/LC_MESSAGES/django.po (language, team, no "fuzzy" flag).
* English is the source language: every msgstr of the en catalogue is set to its msgid
  (plurals: msgstr[0] = msgid, msgstr[1] = msgid_plural), so the catalogue is complete.
* Lists what is still untranslated or fuzzy in the German catalogue (exit code 1 if anything is).

Run from the project root:  .venv/bin/python scripts/l10n_tidy.py
"""

import sys
from datetime import datetime, timezone
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {
    "de": ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po",
    "en": ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po",
}
TEAMS = {"de": "German", "en": "English"}


def tidy_header(po, language):
    po.metadata_is_fuzzy = []
    po.header = "MSO-Portal Hagen: user interface texts.\nSource strings are English; German addresses people formally (\"Sie\")."
    po.metadata["Project-Id-Version"] = "MSO-Portal"
    po.metadata["Language"] = language
    po.metadata["Language-Team"] = TEAMS[language]
    po.metadata["Last-Translator"] = "MSO-Portal localisation"
    po.metadata["PO-Revision-Date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"


def fill_english(po):
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            wanted = {0: entry.msgid, 1: entry.msgid_plural}
            if entry.msgstr_plural != wanted:
                entry.msgstr_plural = wanted
                filled += 1
        elif entry.msgstr != entry.msgid:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            filled += 1
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return filled


def main():
    de = polib.pofile(str(CATALOGUES["de"]), wrapwidth=79)
    en = polib.pofile(str(CATALOGUES["en"]), wrapwidth=79)
    tidy_header(de, "de")
    tidy_header(en, "en")
    filled = fill_english(en)
    de.save()
    en.save()
    open_entries = [e for e in de if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"en: {len([e for e in en if not e.obsolete])} entries, {filled} filled")
    print(f"de: {len([e for e in de if not e.obsolete])} entries, {len(open_entries)} untranslated or fuzzy")
    for entry in open_entries:
        state = "fuzzy" if "fuzzy" in entry.flags else "untranslated"
        print(f"  {state}: {entry.msgid!r}  ({', '.join(f'{p}:{n}' for p, n in entry.occurrences)})")
    return 1 if open_entries else 0


if __name__ == "__main__":
    sys.exit(main())
