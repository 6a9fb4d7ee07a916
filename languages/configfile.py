"""Loading YAML files from `configs/` into pydantic models, with one-line errors.

Every room loads its own configuration through `load_config`, so a broken or missing file
always fails the same way: a `ConfigError` whose message names the file and the field.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR_ENV = "POLYGLOT_CONFIG_DIR"


# libyaml's parser when PyYAML was built with it: languages.yaml loads in ~0.2 s instead of ~0.8 s.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):
    """YAML 1.2 booleans: only true/false. YAML 1.1 reads `no` (Norwegian) and `on` as booleans."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class ConfigError(Exception):
    """A configuration file is missing, not YAML, or fails validation. `str()` is one line."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {problem}")


def config_dir() -> Path:
    """The folder holding the YAML files (`configs/`, or `$POLYGLOT_CONFIG_DIR` when set)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else REPO_ROOT / "configs"


def _display_name(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _field_path(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


CACHED_YAML_BYTES = 100_000   # files this big are parsed once and kept (languages.yaml: ~0.4 s to parse)


def cache_dir() -> Path:
    """Where built data is kept between runs (`POLYGLOT_CACHE_DIR`, default ~/.cache/polyglot-console)."""
    return Path(os.environ.get("POLYGLOT_CACHE_DIR") or Path.home() / ".cache" / "polyglot-console")


def read_cached(path: Path) -> object | None:
    """What `write_cached` kept at `path`, or None when it is missing or unreadable."""
    import pickle

    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def write_cached(path: Path, data: object) -> None:
    """Keep `data` at `path` (written whole, then renamed) and remove what was kept under the same
    name with another key ("<name>-<key>.pickle"); raises OSError when the folder is not writable."""
    import pickle
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)
    for stale in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.pickle"):   # older keys of this name
        if stale != path:
            stale.unlink(missing_ok=True)


def _parsed(text: str, filename: str) -> object:
    """The YAML data of `text`; a big file's is kept as a pickle in the cache folder, keyed by its
    contents, so that start-up does not parse it again (loading the pickle takes milliseconds)."""
    if len(text) < CACHED_YAML_BYTES:
        return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 (safe loader subclass)
    import hashlib

    key = hashlib.sha256(f"{yaml.__version__}\n{text}".encode()).hexdigest()[:16]
    path = cache_dir() / f"yaml-{Path(filename).stem}-{key}.pickle"
    data = read_cached(path)
    if data is None:
        data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 (safe loader subclass)
        try:
            write_cached(path, data)
        except OSError:   # a read-only home still works: it parses again next start
            pass
    return data


def load_config(filename: str, model: type[M]) -> M:
    """Read `configs/<filename>` and validate it as `model`, raising `ConfigError` on any fault."""
    path = config_dir() / filename
    shown = _display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(shown, "", "file is missing") from None
    except OSError as exc:
        raise ConfigError(shown, "", f"cannot be read ({exc.strerror})") from None
    try:
        data = _parsed(text, filename)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(shown, where, f"not valid YAML ({problem})") from None
    if data is None:
        raise ConfigError(shown, "", "file is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(shown, _field_path(tuple(first["loc"])), first["msg"] + suffix) from None
