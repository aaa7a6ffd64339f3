"""The product speaks Swedish: every string marked for translation has its Swedish text
(singular and every plural form) and none is left fuzzy (a string added without its
translation shows in English)."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "vaxel" / "locale" / "sv" / "LC_MESSAGES"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if re.search(r"^msgid ", block, re.M)]  # not obsolete #~


def test_every_string_has_its_swedish_text_and_none_is_fuzzy():
    untranslated, fuzzy = [], []
    for block in entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))[1:]:  # [0]: the header
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        name = msgid.group(1) if msgid else block[:60]
        if "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M):
            fuzzy.append(name)
        texts = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not texts or any(not "".join(re.findall(r'"(.*)"', t)) for t in texts):
            untranslated.append(name)
    assert not untranslated, f"without Swedish: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
