"""Turkish first, English complete: every UI string has an English translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from stratflow.i18n import tr_lower, tr_sort_key, tr_upper

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "stratflow" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_english_catalog_covers_every_string(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-o", str(pot), str(ROOT / "stratflow"), str(ROOT / "templates"),
                    str(ROOT / "workflows")],
                   check=True, cwd=ROOT, capture_output=True)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    have = {m.id: m for m in catalog if m.id}
    missing = sorted(str(i) for i in wanted - set(have))
    assert not missing, f"{len(missing)} strings are not in the English catalog (make messages): {missing[:10]}"
    untranslated = sorted(str(m.id) for m in have.values()
                          if m.id in wanted and (not m.string or (isinstance(m.string, tuple) and not all(m.string))))
    assert not untranslated, f"{len(untranslated)} strings lack English: {untranslated[:10]}"
    fuzzy = sorted(str(m.id) for m in have.values() if m.id in wanted and m.fuzzy)
    assert not fuzzy, f"fuzzy translations: {fuzzy[:10]}"


def test_turkish_casing_and_order():
    assert tr_upper("istanbul ılıca") == "İSTANBUL ILICA"
    assert tr_lower("İSTANBUL ILICA") == "istanbul ılıca"
    names = ["Zabıta", "İmar", "Çevre", "Ilgaz", "Cadde", "Şehir", "Ulaşım", "Öğrenci", "Isı"]
    assert sorted(names, key=tr_sort_key) == ["Cadde", "Çevre", "Ilgaz", "Isı", "İmar", "Öğrenci", "Şehir",
                                              "Ulaşım", "Zabıta"]
