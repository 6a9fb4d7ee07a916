"""Airline names per display language: `configs/airline_names.yaml`, validated.

Each name is checked to be a known language's and written in that language's script; that every
airline of `configs/airlines.yaml` has a name in each `required` language is checked by
`flight_search.airlines` (which owns the airline list) when it builds its table.
"""
from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from languages import get_language, is_in_script, load_config

# Share of a name's letters allowed in another script: official forms keep a Latin code ("LATAM航空").
SCRIPT_TOLERANCE = 0.75


class AirlineNamesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    required: list[str] = Field(min_length=1)
    names: dict[str, dict[str, str]]

    @model_validator(mode="after")
    def _known_languages_in_their_script(self) -> "AirlineNamesFile":
        for code in self.required:
            if get_language(code) is None:
                raise ValueError(f"required language '{code}' is not in languages.yaml")
        for iata, by_language in self.names.items():
            for code, name in by_language.items():
                language = get_language(code)
                if language is None or language.code != code:
                    raise ValueError(f"{iata}: '{code}' is not a language code of languages.yaml")
                if not name.strip():
                    raise ValueError(f"{iata}: the {code} name is empty")
                if not is_in_script(name, language.script, SCRIPT_TOLERANCE):
                    raise ValueError(f"{iata}: the {code} name '{name}' is not in {language.script} script")
        return self


@lru_cache(maxsize=1)
def airline_names_file() -> AirlineNamesFile:
    """The validated `configs/airline_names.yaml`."""
    return load_config("airline_names.yaml", AirlineNamesFile)


def missing_names(iata_codes: list[str]) -> list[str]:
    """"QR: ja, ko" for each airline lacking a name in a required language (empty when complete)."""
    data = airline_names_file()
    problems = []
    for iata in iata_codes:
        lacking = [code for code in data.required if code not in data.names.get(iata, {})]
        if lacking:
            problems.append(f"{iata}: {', '.join(lacking)}")
    return problems


def local_name(iata: str, language: str) -> str | None:
    """The airline's name in the display language, or None where the language uses the brand."""
    found = get_language(language)
    return airline_names_file().names.get(iata.upper(), {}).get(found.code if found else language)
