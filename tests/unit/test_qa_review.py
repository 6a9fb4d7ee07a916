"""The native review sheet: exported with audio, filled in, imported, kept, shown on the matrix."""
from __future__ import annotations

import csv
import datetime as dt
import io
import wave
import zipfile

import pytest

from assistant.qa.review import (COLUMNS, ReviewSheetError, export_sheet, load_review, parse_sheet,
                                 review_summary, reviews_dir, save_review, sheet_csv, sheet_rows)
from demo.tabs import language_qa

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.timezone.utc)


def filled(text: str, verdicts: dict[int, tuple[str, str]], reviewer: str = "Aiko") -> bytes:
    """The sheet as a reviewer's spreadsheet saves it: verdicts filled in, UTF-8 with a BOM."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    for row in rows:
        verdict, correction = verdicts.get(int(row["reply"]), ("ok", ""))
        row.update(verdict=verdict, correction=correction, reviewer=reviewer)
    return ("\ufeff" + sheet_csv(rows)).encode("utf-8")


def test_the_export_holds_every_rendered_reply_with_its_voice(tmp_path):
    bundle = zipfile.ZipFile(export_sheet("ja", tmp_path))
    text = bundle.read("review-ja.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == COLUMNS and len(rows) >= 20
    assert all(r["verdict"] == "" and r["correction"] == "" for r in rows)
    assert "カタール航空" in "".join(r["speech"] for r in rows) or "航空" in rows[2]["speech"]
    with wave.open(io.BytesIO(bundle.read(rows[3]["audio"]))) as audio:
        assert audio.getnframes() > audio.getframerate() // 2   # at least half a second of speech


def test_a_sheet_round_trips_through_the_tabs_functions(config_copy, tmp_path):
    download, status = language_qa.export_review("es")
    assert "review-es.zip" in status
    sheet = zipfile.ZipFile(download["value"]).read("review-es.csv").decode("utf-8")
    upload = tmp_path / "review-es-filled.csv"
    upload.write_bytes(filled(sheet, {3: ("wrong", "sale a las cuatro y cuarto")}))

    matrix, message = language_qa.import_review(None, str(upload))
    assert "es: ✗ 1 wrong of 24 (Aiko): reply 3 → sale a las cuatro y cuarto" in message
    kept = load_review("es")
    assert kept is not None and (reviews_dir() / "es.yaml").exists()
    assert kept.count("ok") == 23 and kept.verdicts[2].correction == "sale a las cuatro y cuarto"
    assert language_qa.review_cell("es").startswith("✗ 1 wrong of 24")
    assert language_qa.review_cell("fr") == ""


def test_a_signed_off_language_shows_on_the_matrix(config_copy):
    review = parse_sheet(filled(sheet_csv(sheet_rows("ru", with_audio=False)), {}), now=NOW)
    save_review(review)
    assert load_review("ru") == review
    assert review_summary(load_review("ru")) == "✓ signed off: 24 ok (Aiko)"
    frame = language_qa.matrix_frame([])
    assert language_qa.REVIEW_COLUMN in frame.columns


def test_the_exported_zip_itself_can_be_imported(tmp_path):
    data = (export_sheet("de", tmp_path, with_audio=False)).read_bytes()
    review = parse_sheet(data, now=NOW)
    assert review.language == "de" and review.count(None) == 24
    assert review_summary(review) == "– 0 of 24 reviewed"


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace(",ok,", ",maybe,", 1), r"row 2, column verdict: 'maybe' \(expected ok, wrong or empty\)"),
    (lambda t: t.replace("verdict", "verdikt", 1), "the sheet has no column verdict"),
    (lambda t: t.replace("\nes,", "\nfr,", 1), "one language per sheet, found es, fr"),
    (lambda t: t.split("\n")[0] + "\n", "the sheet has no rows"),
])
def test_a_bad_sheet_says_what_is_wrong(change, message):
    text = filled(sheet_csv(sheet_rows("es", with_audio=False)), {}).decode("utf-8-sig")
    with pytest.raises(ReviewSheetError, match=message):
        parse_sheet(change(text))


def test_a_sheet_that_is_not_utf8_is_refused_with_a_hint():
    with pytest.raises(ReviewSheetError, match="save it as 'CSV UTF-8'"):
        parse_sheet("language,reply\nes,1\n".encode("utf-16"))


def test_the_tab_reports_a_bad_upload_without_saving(config_copy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\n", "utf-8")
    matrix, message = language_qa.import_review(None, str(bad))
    assert "Sheet not imported: the sheet has no column" in message
    assert not reviews_dir().exists() or not any(reviews_dir().iterdir())
