"""The native review sheet: rendered replies out as a spreadsheet, a reviewer's verdicts back in.

`export_sheet(code, folder)` writes a zip holding `review-<code>.csv` (one row per rendered reply:
chat, speech, the voice's audio file, and empty `verdict` / `correction` / `reviewer` columns) and
the espeak-ng WAV of each reply under `audio/`. `parse_sheet(data)` reads a filled CSV back
(UTF-8, with or without a spreadsheet's byte-order mark), `save_review` keeps it with the language's
data as `configs/reviews/<code>.yaml` (validated), and `review_summary` is the matrix cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from functools import partial
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from languages import config_dir, get_language

from ..providers.espeak_tts import speak_pcm, write_wav
from .samples import sample_replies

COLUMNS = ["language", "reply", "route", "chat", "speech", "audio", "verdict", "correction", "reviewer"]
VERDICTS = ("ok", "wrong")
MAX_SHEET_BYTES = 2_000_000


class ReviewSheetError(ValueError):
    """A filled sheet that cannot be read: says which row and column, and what is expected."""


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reply: int = Field(ge=1)
    route: str = ""
    chat: str
    speech: str
    verdict: Literal["ok", "wrong"] | None = None
    correction: str = ""


class Review(BaseModel):
    """One language's native review, as kept in `configs/reviews/<code>.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    language: str
    reviewer: str = ""
    imported: dt.datetime
    verdicts: list[Verdict] = Field(min_length=1)

    @field_validator("language")
    @classmethod
    def _known(cls, code: str) -> str:
        found = get_language(code)
        if found is None:
            raise ValueError(f"unknown language code '{code}'")
        return found.code

    @model_validator(mode="after")
    def _unique_replies(self) -> "Review":
        numbers = [v.reply for v in self.verdicts]
        if len(numbers) != len(set(numbers)):
            raise ValueError("a reply number appears twice")
        return self

    def count(self, verdict: str | None) -> int:
        return sum(v.verdict == verdict for v in self.verdicts)


def _audio_name(code: str, index: int) -> str:
    return f"audio/{code}-{index + 1:02d}.wav"


def sheet_rows(code: str, *, with_audio: bool = True) -> list[dict[str, str]]:
    """The sheet's rows for language `code`: the rendered sample replies, verdict columns empty."""
    language = get_language(code)
    if language is None:
        raise ReviewSheetError(f"unknown language code '{code}'")
    has_voice = with_audio and bool(language.tts.offline_voice)
    return [{"language": language.code, "reply": str(r.index + 1), "route": r.route, "chat": r.chat,
             "speech": r.speech, "audio": _audio_name(language.code, r.index) if has_voice else "",
             "verdict": "", "correction": "", "reviewer": ""} for r in sample_replies(language.code)]


def sheet_csv(rows: list[dict[str, str]]) -> str:
    """Rows as CSV text with the sheet's columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def export_sheet(code: str, folder: str | Path, *, with_audio: bool = True) -> Path:
    """`review-<code>.zip` in `folder`: the CSV (UTF-8 with a byte-order mark, so spreadsheets read
    every script) and each reply's espeak-ng audio under `audio/`."""
    rows = sheet_rows(code, with_audio=with_audio)
    language = get_language(code)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"review-{language.code}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"review-{language.code}.csv", "\ufeff" + sheet_csv(rows))
        for row in rows:
            if row["audio"]:
                wav = folder / Path(row["audio"]).name
                write_wav(wav, speak_pcm(row["speech"], language.tts.offline_voice))
                bundle.write(wav, row["audio"])
    return target


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_SHEET_BYTES:
        raise ReviewSheetError(f"the sheet is larger than {MAX_SHEET_BYTES // 1_000_000} MB")
    if data[:2] == b"PK":   # the exported zip itself: read the CSV inside
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = [n for n in bundle.namelist() if n.endswith(".csv")]
            if not names:
                raise ReviewSheetError("the zip holds no CSV sheet")
            data = bundle.read(names[0])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewSheetError("the sheet is not UTF-8 text: save it as 'CSV UTF-8'") from exc


def parse_sheet(data: bytes | str, *, now: dt.datetime | None = None) -> Review:
    """A filled sheet (CSV text or bytes, or the exported zip) as a validated `Review`.

    Raises `ReviewSheetError` naming the row and column of the first problem.
    """
    reader = csv.DictReader(io.StringIO(_decode(data)))
    needed = ("language", "reply", "chat", "speech", "verdict", "correction")
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise ReviewSheetError(f"the sheet has no column {', '.join(missing)} (expected: {', '.join(COLUMNS)})")
    rows = list(reader)
    if not rows:
        raise ReviewSheetError("the sheet has no rows")
    codes = {row["language"].strip() for row in rows}
    if len(codes) != 1:
        raise ReviewSheetError(f"one language per sheet, found {', '.join(sorted(codes))}")
    verdicts, reviewers = [], []
    for number, row in enumerate(rows, 2):   # row 1 is the header
        verdict = row["verdict"].strip().lower() or None
        if verdict not in (None, *VERDICTS):
            raise ReviewSheetError(f"row {number}, column verdict: '{row['verdict']}' (expected ok, wrong or empty)")
        if not row["reply"].strip().isdigit():
            raise ReviewSheetError(f"row {number}, column reply: '{row['reply']}' is not a reply number")
        verdicts.append(Verdict(reply=int(row["reply"]), route=row.get("route", ""), chat=row["chat"],
                                speech=row["speech"], verdict=verdict, correction=row["correction"].strip()))
        if (row.get("reviewer") or "").strip():
            reviewers.append(row["reviewer"].strip())
    try:
        return Review(language=codes.pop(), reviewer=", ".join(dict.fromkeys(reviewers)),
                      imported=(now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0), verdicts=verdicts)
    except ValidationError as exc:
        raise ReviewSheetError(exc.errors()[0]["msg"]) from None


def reviews_dir() -> Path:
    """Where reviews are kept: `configs/reviews/` (or under `$POLYGLOT_CONFIG_DIR`)."""
    return config_dir() / "reviews"


def save_review(review: Review) -> Path:
    """Keep `review` as `configs/reviews/<code>.yaml` (replacing an earlier one)."""
    folder = reviews_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{review.language}.yaml"
    dump = partial(yaml.safe_dump, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(dump(review.model_dump(mode="json")), encoding="utf-8")
    return path


def load_review(code: str) -> Review | None:
    """The kept review of a language, or None. A broken file raises `ReviewSheetError` naming it."""
    path = reviews_dir() / f"{code}.yaml"
    if not path.exists():
        return None
    try:
        return Review.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ReviewSheetError(f"{path.name}: {exc}") from None


def review_summary(review: Review | None) -> str:
    """The matrix cell: "✓ signed off: 24 ok", "✗ 2 wrong of 24: …", "– 10 of 24 reviewed", or ""."""
    if review is None:
        return ""
    total, wrong, ok = len(review.verdicts), review.count("wrong"), review.count("ok")
    by = f" ({review.reviewer})" if review.reviewer else ""
    if wrong:
        first = next(v for v in review.verdicts if v.verdict == "wrong")
        hint = f": reply {first.reply} → {first.correction}" if first.correction else f": reply {first.reply}"
        return f"✗ {wrong} wrong of {total}{by}{hint}"
    if ok == total:
        return f"✓ signed off: {ok} ok{by}"
    return f"– {ok + wrong} of {total} reviewed{by}"
