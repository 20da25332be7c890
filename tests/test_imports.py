"""Importing spending units and people from .csv and .xlsx sheets: every row or none."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from stratflow.extensions import db
from stratflow.models import AuditEvent, Municipality, RoleAssignment, SpendingUnit, User
from stratflow.services import imports
from stratflow.services.accounts import hash_password

from .conftest import Browser, signed_in
from .test_municipalities import snapshot, text

COORDINATOR = "sgm@yesilova.bel.tr"
UNITS_CSV = ("Birim Adı;Kod\r\n"
             "İmar ve Şehircilik Müdürlüğü;imar\r\n"
             "Fen İşleri Müdürlüğü;fen\r\n"
             ";\r\n"                                      # blank rows are skipped
             "\"Kültür; Sanat ve Sosyal İşler Müdürlüğü\";kultur\r\n"
             "Çevre Koruma ve Kontrol Müdürlüğü;\r\n")


@pytest.fixture
def town(ctx):
    """A municipality without units, with its coordinator and a unit manager of another town."""
    town = Municipality(name="Yeşilova Belediyesi", province="Burdur", type="ilce", population=14500,
                        election_date=date(2024, 3, 31), council_weekday="monday")
    password = hash_password("Demo.2024")
    boss = User(email=COORDINATOR, full_name="Işıl Öztürk", municipality=town, password_hash=password)
    boss.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.add_all([town, boss])
    db.session.commit()
    return town


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(b: Browser, town, kind: str, data: bytes, filename: str):
    page = f"/municipalities/{town.id}"
    return b.post(f"{page}/import", {"kind": kind, "file": (io.BytesIO(data), filename)}, form_page=page)


def units_of(town) -> dict[str, str | None]:
    db.session.expire_all()
    return {u.name: u.code for u in db.session.execute(
        db.select(SpendingUnit).filter_by(municipality_id=town.id)).scalars()}


def actions() -> list[str]:
    return [a for (a,) in db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id))]


# -- happy paths ----------------------------------------------------------------------------------

def test_units_csv_with_bom_semicolons_and_turkish_letters(town, client):
    b = signed_in(client, COORDINATOR)
    response = upload(b, town, "units", b"\xef\xbb\xbf" + UNITS_CSV.encode("utf-8"), "birimler.csv")
    assert response.status_code == 302, text(response)[:3000]
    assert units_of(town) == {
        "İmar ve Şehircilik Müdürlüğü": "imar", "Fen İşleri Müdürlüğü": "fen",
        "Kültür; Sanat ve Sosyal İşler Müdürlüğü": "kultur", "Çevre Koruma ve Kontrol Müdürlüğü": None}
    assert actions() == ["unit.created"] * 4 + ["import.done"]
    done = db.session.execute(db.select(AuditEvent).filter_by(action="import.done")).scalar_one()
    assert done.details == {"kind": "units", "filename": "birimler.csv", "count": 4}
    assert done.actor.email == COORDINATOR and done.municipality_id == town.id
    page = text(b.get(f"/municipalities/{town.id}"))
    assert "4 birim içe aktarıldı." in page and "İmar ve Şehircilik Müdürlüğü" in page


def test_units_csv_without_bom_comma_delimited(town, client):
    b = signed_in(client, COORDINATOR)
    data = "kod,BİRİM ADI\nzabita,Zabıta Müdürlüğü\nik,\"İnsan Kaynakları, Eğitim Müdürlüğü\"\n".encode()
    assert upload(b, town, "units", data, "UNITS.CSV").status_code == 302
    assert units_of(town) == {"Zabıta Müdürlüğü": "zabita", "İnsan Kaynakları, Eğitim Müdürlüğü": "ik"}


def test_units_xlsx_built_with_openpyxl(town, client):
    b = signed_in(client, COORDINATOR)
    data = xlsx([["Birim Adı", "Kod"], ["Yazı İşleri Müdürlüğü", "yaziisleri"], [None, None],
                 ["Park ve Bahçeler Müdürlüğü", 12], ["Ölçü ve Ayar Şefliği", None]])
    response = upload(b, town, "units", data, "birimler.xlsx")
    assert response.status_code == 302, text(response)[:3000]
    assert units_of(town) == {"Yazı İşleri Müdürlüğü": "yaziisleri", "Park ve Bahçeler Müdürlüğü": "12",
                              "Ölçü ve Ayar Şefliği": None}


def _with_units(town):
    for name, code in (("İmar ve Şehircilik Müdürlüğü", "imar"), ("Fen İşleri Müdürlüğü", "fen")):
        db.session.add(SpendingUnit(municipality=town, name=name, code=code))
    db.session.commit()
    return {u.code: u for u in town.units}


def test_people_csv_with_turkish_roles(town, client):
    units = _with_units(town)
    b = signed_in(client, COORDINATOR)
    data = ("\ufeffE-posta;Ad Soyad;Unvan;Telefon;Rol;Birim;Parola\n"
            "imar@yesilova.bel.tr;Gülşen Öztürk;İmar Müdürü;0248 555 10 20;Birim Müdürü;"
            "İmar ve Şehircilik Müdürlüğü;\n"
            "Ali.Can@Yesilova.bel.tr;Ali Can;Tekniker;;Ekip Üyesi, Kurul Üyesi;FEN;Başlangıç.2024\n"
            "baskan@yesilova.bel.tr;Şükrü Işık;Belediye Başkanı;;Belediye Başkanı;;\n"
            "danisman@ornek.com.tr;İpek Ünal;;;danışman;;\n").encode()
    response = upload(b, town, "people", data, "kisiler.csv")
    assert response.status_code == 302, text(response)[:3000]
    db.session.expire_all()
    people = {u.email: u for u in db.session.execute(db.select(User).filter_by(municipality_id=town.id)).scalars()}
    assert set(people) == {COORDINATOR, "imar@yesilova.bel.tr", "ali.can@yesilova.bel.tr",
                           "baskan@yesilova.bel.tr", "danisman@ornek.com.tr"}
    gulsen = people["imar@yesilova.bel.tr"]
    assert (gulsen.full_name, gulsen.title, gulsen.phone) == ("Gülşen Öztürk", "İmar Müdürü", "0248 555 10 20")
    assert [(r.role, r.unit_id) for r in gulsen.roles] == [("unit_manager", units["imar"].id)]
    assert gulsen.password_hash is None  # imported without a password
    ali = people["ali.can@yesilova.bel.tr"]
    assert sorted((r.role, r.unit_id) for r in ali.roles) == [("board_member", None),
                                                              ("team_member", units["fen"].id)]
    assert ali.password_hash.startswith("$argon2")
    assert [r.role for r in people["baskan@yesilova.bel.tr"].roles] == ["mayor"]
    assert [r.role for r in people["danisman@ornek.com.tr"].roles] == ["consultant"]
    assert actions() == ["user.created"] * 4 + ["import.done"]
    page = text(b.get(f"/municipalities/{town.id}"))
    assert "4 kişi içe aktarıldı." in page and "Parolası yok" in page
    assert Browser(client.application.test_client()).login("ali.can@yesilova.bel.tr",
                                                           "Başlangıç.2024").status_code == 302


def test_people_xlsx(town, client):
    units = _with_units(town)
    b = signed_in(client, COORDINATOR)
    data = xlsx([["Ad Soyad", "E-posta", "Rol", "Birim", "Telefon"],
                 ["Özge Çelik", "ozge@yesilova.bel.tr", "unit_manager", "fen", 2485551020],
                 ["Işın Ağaoğlu", "isin@yesilova.bel.tr", "Başkan Yardımcısı", None, None]])
    assert upload(b, town, "people", data, "kisiler.xlsx").status_code == 302
    ozge = db.session.execute(db.select(User).filter_by(email="ozge@yesilova.bel.tr")).scalar_one()
    assert ozge.phone == "2485551020" and ozge.full_name == "Özge Çelik"
    assert [(r.role, r.unit_id) for r in ozge.roles] == [("unit_manager", units["fen"].id)]
    isin = db.session.execute(db.select(User).filter_by(email="isin@yesilova.bel.tr")).scalar_one()
    assert [r.role for r in isin.roles] == ["deputy_mayor"] and isin.password_hash is None


def test_template_round_trip(town, client):
    b = signed_in(client, COORDINATOR)
    response = b.get(f"/municipalities/{town.id}/import/units.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="birimler.xlsx"'
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Birim Adı", "Kod"]
    sheet.append(["Destek Hizmetleri Müdürlüğü", "destek"])
    out = io.BytesIO()
    book.save(out)
    assert upload(b, town, "units", out.getvalue(), "birimler.xlsx").status_code == 302
    assert units_of(town) == {"Destek Hizmetleri Müdürlüğü": "destek"}
    people = load_workbook(io.BytesIO(b.get(f"/municipalities/{town.id}/import/people.xlsx").data)).active
    assert [c.value for c in people[1]] == ["E-posta", "Ad Soyad", "Unvan", "Telefon", "Rol", "Birim", "Parola"]
    assert b.get(f"/municipalities/{town.id}/import/budget.xlsx").status_code == 404


def test_page_documents_columns_and_passwords(town, client):
    page = text(signed_in(client, COORDINATOR).get(f"/municipalities/{town.id}"))
    for header in ("Birim Adı", "Kod", "E-posta", "Ad Soyad", "Unvan", "Telefon", "Rol", "Birim", "Parola",
                   "Birim Müdürü", "Ekip Üyesi"):
        assert f"<code>{header}</code>" in page, header
    assert "parolasız eklenir" in page and "Ya hep ya hiç" in page and "en fazla 2000 veri satırı" in page


# -- bad sheets: refused as a whole, with reasons -------------------------------------------------

def _refused(b, town, kind, data, filename, *messages, status=422):
    before = snapshot()
    response = upload(b, town, kind, data, filename)
    assert response.status_code == status, text(response)[:3000]
    page = text(response)
    for message in messages:
        assert message in page, (message, page[page.find("import-errors"):][:2000])
    assert snapshot() == before
    return page


def test_bad_rows_listed_and_nothing_imported(town, client):
    _with_units(town)
    b = signed_in(client, COORDINATOR)
    data = ("E-posta;Ad Soyad;Unvan;Telefon;Rol;Birim\n"
            "iyi@yesilova.bel.tr;İyi Kişi;;;Birim Müdürü;imar\n"             # row 2: fine
            "ikinci@yesilova.bel.tr;İkinci Kişi;;;Ekip Üyesi;fen\n"          # row 3: fine
            "bozuk-adres;Bozuk Adres;;;Danışman;\n"                          # row 4
            "iyi@yesilova.bel.tr;Tekrar;;;Danışman;\n"                       # row 5: repeats row 2
            "SGM@yesilova.bel.tr;Var Olan;;;Danışman;\n"                     # row 6: already registered
            "rol@yesilova.bel.tr;Rolsüz;;;Kral;\n"                           # row 7
            "admin@yesilova.bel.tr;Yönetici;;;Sistem Yöneticisi;\n"          # row 8
            "birimsiz@yesilova.bel.tr;Birimsiz;;;Birim Müdürü;\n"            # row 9
            "yokbirim@yesilova.bel.tr;Yok Birim;;;Ekip Üyesi;Uzay Müdürlüğü\n"  # row 10
            "baskan@yesilova.bel.tr;Başkan;;;Belediye Başkanı;fen\n"         # row 11
            "adsiz@yesilova.bel.tr;;;abc;;\n"                                # row 12
            "kisa@yesilova.bel.tr;Kısa Parola;;;Danışman;;fazla\n").encode()  # row 13
    page = _refused(
        b, town, "people", data, "kisiler.csv",
        "Dosya içe aktarılmadı: 12 hata bulundu. Hiçbir kayıt eklenmedi",
        "Satır 4: E-posta geçersiz.",
        "Satır 5: Bu e-posta adresi dosyada 2. satırda da var.",
        "Satır 6: Bu e-posta adresiyle kayıtlı bir kişi zaten var.",
        "Satır 7: Rol tanınmadı: “Kral”. Geçerli değerler: Belediye Başkanı, Başkan Yardımcısı",
        "Satır 8: Sistem yöneticisi rolü içe aktarılamaz.",
        "Satır 9: Birim müdürü ve ekip üyesi rolleri için birim seçilmelidir.",
        "Satır 10: Birim bulunamadı: “Uzay Müdürlüğü”. Önce birimleri ekleyin.",
        "Satır 11: Birim yalnızca birim müdürü ya da ekip üyesi rolüyle birlikte seçilir.",
        "Satır 12: Ad Soyad boş olamaz.", "Satır 12: Telefon numarası geçersiz.", "Satır 12: Rol boş olamaz.",
        "Satır 13: 7. sütunun başlığı yok ama veri içeriyor.")
    assert "Satır 2:" not in page and "Satır 3:" not in page
    assert db.session.execute(db.select(User).filter_by(email="iyi@yesilova.bel.tr")).first() is None


def test_bad_unit_rows(town, client):
    _with_units(town)
    b = signed_in(client, COORDINATOR)
    data = ("Birim Adı;Kod\n"
            "Zabıta Müdürlüğü;zabita\n"
            "FEN İŞLERİ MÜDÜRLÜĞÜ;yeni\n"
            "Hukuk Müdürlüğü;IMAR\n"
            "zabıta müdürlüğü;zb\n"
            "Emlak Müdürlüğü;zabita\n"
            ";kodsuz-ad\n"
            "Kötü Kod;a b\n").encode()
    _refused(b, town, "units", data, "birimler.csv",
             "Satır 3: Bu belediyede “FEN İŞLERİ MÜDÜRLÜĞÜ” adlı bir birim zaten var.",
             "Satır 4: “IMAR” kodu başka bir birimde kullanılıyor.",
             "Satır 5: “zabıta müdürlüğü” birimi dosyada 2. satırda da var.",
             "Satır 6: “zabita” kodu dosyada 2. satırda da var.",
             "Satır 7: Birim adı boş olamaz.",
             "Satır 8: Kod en fazla 40 karakter olabilir")


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"Birim Ad\xc4\xb1;Kod\n", "birimler.txt", "Yalnızca .csv ve .xlsx dosyaları yüklenebilir."),
    (b"\xd0\xcf\x11\xe0 old excel", "birimler.xls", "Yalnızca .csv ve .xlsx dosyaları yüklenebilir."),
    (b"", "birimler.csv", "Dosya boş."),
    (b"", "birimler.xlsx", "Dosya boş."),
    (b"\xef\xbb\xbf\r\n;;\r\n", "birimler.csv", "Dosya boş."),
    ("Birim Adı;Kod\n".encode(), "birimler.csv", "Dosyada başlık satırından sonra veri satırı yok."),
    ("Birim Adı;Kod\nİmar;imar\n".encode("cp1254"), "birimler.csv", "CSV dosyası UTF-8 kodlamasında değil."),
    ("Birim Adı\n".encode("utf-16"), "birimler.csv", "Dosya bir CSV metin dosyası değil."),
    (b"Birim Ad\xc4\xb1;Kod\n\"A\"x;b\n", "birimler.csv", "CSV dosyası okunamadı (satır 2)"),
    (b"this is not a zip", "birimler.xlsx", "Excel dosyası okunamadı: dosya .xlsx biçiminde değil."),
    (None, "birimler.xlsx", "Excel dosyası okunamadı; dosya bozuk olabilir."),
    ("Birim;Bütçe\nA;1\n".encode(), "birimler.csv", "Bilinmeyen sütun: “Bütçe”."),
    (b"Kod\nimar\n", "birimler.csv", "Zorunlu sütun eksik: “Birim Adı”."),
    ("Birim Adı;Birim\nA;B\n".encode(), "birimler.csv", "“Birim Adı” sütunu birden fazla kez var."),
])
def test_unusable_files_are_refused(town, client, data, filename, message):
    if data is None:  # a zip archive, but not a workbook
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "merhaba")
        data = out.getvalue()
    b = signed_in(client, COORDINATOR)
    _refused(b, town, "units", data, filename, message)


def test_header_problems_show_expected_columns(town, client):
    b = signed_in(client, COORDINATOR)
    data = xlsx([["Eposta", "İsim", "Görev", "Maaş"], ["a@yesilova.bel.tr", "A", "Müdür", 1]])
    _refused(b, town, "people", data, "kisiler.xlsx", "Bilinmeyen sütun: “Maaş”.", "Zorunlu sütun eksik: “Rol”.",
             "Sütun başlıkları hatalı; hiçbir kayıt eklenmedi. Beklenen sütunlar: E-posta, Ad Soyad, Unvan, "
             "Telefon, Rol, Birim, Parola.")


def test_too_many_rows(town, client, monkeypatch):
    monkeypatch.setitem(client.application.config, "IMPORT_MAX_ROWS", 3)
    b = signed_in(client, COORDINATOR)
    rows = "".join(f"Birim {i};b{i}\n" for i in range(4))
    _refused(b, town, "units", f"Birim Adı;Kod\n{rows}".encode(), "birimler.csv",
             "Dosyada 3 satırdan fazla veri var.")
    assert upload(b, town, "units", "Birim Adı;Kod\nA;a\nB;b\nC;c\n".encode(), "birimler.csv").status_code == 302


def test_upload_form_refusals(town, client):
    b = signed_in(client, COORDINATOR)
    page = f"/municipalities/{town.id}"
    before = snapshot()
    response = b.post(f"{page}/import", {"kind": "units"}, form_page=page)
    assert response.status_code == 422 and "Yüklenecek dosyayı seçin." in text(response)
    response = upload(b, town, "budgets", UNITS_CSV.encode(), "birimler.csv")
    assert response.status_code == 422
    assert "İçe aktarılacak kayıt türünü seçin: birimler ya da kişiler." in text(response)
    assert snapshot() == before


def test_only_managers_import(town, client):
    outsider = User(email="fen@yesilova.bel.tr", full_name="Fen Müdürü", municipality=town,
                    password_hash=hash_password("Demo.2024"))
    office = SpendingUnit(municipality=town, name="Fen İşleri Müdürlüğü")
    outsider.roles.append(RoleAssignment(role="unit_manager", municipality=town, unit=office))
    db.session.add_all([outsider, office])
    db.session.commit()
    b = signed_in(client, "fen@yesilova.bel.tr")
    before = snapshot()
    token = b.csrf("/profile")
    response = b.client.post(f"/municipalities/{town.id}/import", data={
        "csrf_token": token, "kind": "units", "file": (io.BytesIO(UNITS_CSV.encode()), "birimler.csv")})
    assert response.status_code == 404
    assert b.get(f"/municipalities/{town.id}/import/units.xlsx").status_code == 404
    assert snapshot() == before


# -- the reader on its own ------------------------------------------------------------------------

def test_sniff_and_fold():
    assert imports.sniff_delimiter("Birim Adı;Kod\nA,B;c") == ";"
    assert imports.sniff_delimiter("Birim Adı,Kod\n") == ","
    assert imports.sniff_delimiter("Birim Adı\tKod\n") == "\t"
    assert imports.sniff_delimiter("Birim Adı\nA;B\n") == ","
    assert imports.fold("  BİRİM ADI ") == imports.fold("birim adi") == "birimadi"
    assert imports.fold("E-Posta") == imports.fold("eposta")
    assert imports.parse_roles("Birim Müdürü; EKİP ÜYESİ, birim müdürü") == (["unit_manager", "team_member"], {})


def test_row_numbers_follow_the_sheet(app):
    data = xlsx([["Birim Adı"], ["A"], [None], ["B"], [], ["C"]])
    header, rows = imports.read_sheet("x.xlsx", data, 10)
    assert header == ["Birim Adı"]
    assert [(n, cells[0]) for n, cells in rows] == [(2, "A"), (4, "B"), (6, "C")]
    header, rows = imports.read_sheet("x.csv", "\n\nBirim Adı\nA\n\nB\n".encode(), 10)
    assert header == ["Birim Adı"] and [n for n, _cells in rows] == [4, 6]


def test_xlsx_padded_with_blank_rows_is_refused():
    """Blank rows count against the limit, so a sheet padded with empty rows cannot tie up a worker."""
    import io as _io

    from openpyxl import Workbook

    from stratflow.services.imports import ImportRejected, read_sheet

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Birim Adı", "Kod"])
    for _ in range(20_000):
        sheet.append([" "])
    buffer = _io.BytesIO()
    book.save(buffer)
    try:
        read_sheet("birimler.xlsx", buffer.getvalue(), max_rows=100)
    except ImportRejected as exc:
        assert "satırdan fazla" in exc.message
    else:
        raise AssertionError("a padded sheet must be refused")
