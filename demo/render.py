"""Turning engine state and events into what the UI shows: badges, route card, chat messages."""
from __future__ import annotations

import html

from assistant import Event, EventType
from languages import all_languages, normalize_code, offline_stt_language, phrase, stt_route
from languages.spoken import spoken_numbers_supported

STAGES = (("speech_to_text", "Speech-to-text"), ("assistant", "Assistant"),
          ("voice", "Voice"), ("flight_data", "Flight data"))
# Provider shown per stage before any turn has run, with no API keys.
OFFLINE_DEFAULTS = {
    "speech_to_text": ("typed text", "offline", "voice input needs DEEPGRAM_API_KEY: type instead"),
    "assistant": ("rule-based agent", "offline", "embedded, no key needed (OPENAI_API_KEY enables OpenAI)"),
    "voice": ("espeak-ng", "offline", "offline voice (CARTESIA_API_KEY enables Cartesia)"),
    "flight_data": ("demo data", "offline", "embedded demo flights"),
}
KEYED_DEFAULTS = {
    "speech_to_text": ("deepgram", "live", "streaming transcription"),
    "assistant": ("openai", "live", "falls back to the rule-based agent on errors or after the timeout"),
    "voice": ("cartesia", "live", "falls back to espeak-ng per reply"),
}
_FLIGHT_SOURCES = {"demo": ("demo data", "offline")}


def language_choices() -> list[tuple[str, str]]:
    """Dropdown choices: ("Español — Spanish", "es")."""
    return [(f"{lang.native_name} — {lang.name}" if lang.native_name != lang.name else lang.name, lang.code)
            for lang in all_languages()]


def badge(stage_label: str, provider: str, mode: str, why: str) -> str:
    """One status badge; `mode` is "offline", "live", "fallback" or "error" (its colour)."""
    return (f'<span class="pc-badge pc-{html.escape(mode)}" title="{html.escape(why)}">'
            f'<b>{html.escape(stage_label)}</b> {html.escape(provider)} · {html.escape(mode)}</span>')


def status_html(providers: dict[str, tuple[str, str, str]] | None = None) -> str:
    """The status strip: one badge per stage."""
    from assistant.providers import missing_keys

    current = dict(OFFLINE_DEFAULTS)
    missing = missing_keys()
    current.update({stage: badge for stage, badge in KEYED_DEFAULTS.items() if stage not in missing})
    if "speech_to_text" in missing:
        offline = offline_stt_badge()
        if offline is not None:
            current["speech_to_text"] = offline
    current.update(providers or {})
    return '<div class="pc-status">' + "".join(badge(label, *current[key]) for key, label in STAGES) + "</div>"


def offline_stt_badge() -> tuple[str, str, str] | None:
    """The speech-to-text badge of the offline recogniser when its model is usable here."""
    from assistant.providers import offline_stt_model

    model, label, _missing = offline_stt_model()
    if model is None:
        return None
    return (label, "offline", "embedded recogniser on the VAD's segments (DEEPGRAM_API_KEY enables Deepgram)")


def voice_note() -> str:
    """What the microphone does with the keys and models this process has."""
    from assistant.providers import missing_keys, offline_stt_model

    if "speech_to_text" in missing_keys():
        model, label, missing = offline_stt_model()
        if model is not None:
            return (f"Press **Record** and ask for a flight. With no `DEEPGRAM_API_KEY`, the offline recogniser "
                    f"(`{label}`) transcribes each utterance when you stop speaking; the answer is read aloud.")
        return ("**Voice input needs `DEEPGRAM_API_KEY` or the offline speech model** "
                f"({html.escape(missing)}, or set `POLYGLOT_WHISPER_MODEL`) — type instead. Press Record anyway "
                "to try the environment presets: the event log shows when the VAD hears speech start and stop.")
    return "Press **Record** and ask for a flight. Your words appear as you speak; the answer is read aloud."


def flight_badge(source: str | None, used_fallback: bool) -> tuple[str, str, str]:
    """The flight-data badge for a search outcome."""
    if source is None:
        return ("no answer", "error", "every flight data tier failed")
    provider, mode = _FLIGHT_SOURCES.get(source, (source, "live"))
    if used_fallback:
        return (provider, "fallback", "an earlier tier failed or was slow")
    return (provider, mode, "answered first")


def understood_lines(understood: dict | None) -> list[str]:
    """The route card's account of what the request has said so far (so QA sees a misreading)."""
    if not understood:
        return []
    def place(end: str) -> str:
        code, name = understood.get(end), understood.get(f"{end}_name")
        if not code:
            return "—"
        return f"{html.escape(name)} (`{code}`)" if name else f"`{code}`"
    lines = [f"- Understood: from {place('origin')} to {place('destination')} on {understood.get('date') or '—'}"]
    details = understood.get("details") or {}
    if details:
        lines.append("- Details: " + ", ".join(f"{k} = {html.escape(str(v))}" for k, v in details.items()))
    if understood.get("unknown_place"):
        lines.append(f"- Not a place we know: {html.escape(understood['unknown_place'])}")
    if understood.get("ambiguous"):
        lines.append("- Which one? " + " or ".join(f"`{c}`" for c in understood["ambiguous"]))
    return lines


def route_card(code: str, understood: dict | None = None) -> str:
    """Markdown card: what the language code resolved to, its STT and TTS routes and greeting, and
    what the last request was understood as."""
    resolution = normalize_code(code)
    language = resolution.language
    if language is None:
        route = stt_route(code)
        return f"**Unknown language** `{html.escape(code)}` — speech-to-text falls back to `{route['model']}` / `{route['language']}`."
    route = stt_route(code)
    tts = language.tts
    voice = (f"Cartesia `{tts.model}` ({tts.language}) when `CARTESIA_API_KEY` is set; offline voice "
             f"`{tts.offline_voice}`" if tts.provider == "cartesia" else tts.reason)
    numbers = "spoken as words" if spoken_numbers_supported(language.code) else "kept as digits (no num2words support)"
    return "\n".join([
        f"**{language.native_name}** ({language.name}, `{language.code}`, {language.script} script, locale `{language.locale}`)",
        f"- Speech-to-text: Deepgram `{route['model']}` · language `{route['language']}`",
        f"- Offline voice input: {offline_voice_line(language.code)}",
        f"- Voice: {voice}",
        f"- Numbers in speech: {numbers}",
        f"- Resolved: {resolution.note}",
        *understood_lines(understood),
        f"> {phrase(language.code, 'greeting')}",
    ])


def offline_voice_line(code: str) -> str:
    """Whether the offline recogniser takes voice input in this language (configs/languages.yaml)."""
    if offline_stt_language(code):
        return "yes (faster-whisper, when `DEEPGRAM_API_KEY` is unset)"
    return ("no: the offline model is not good enough in this language (QA voice round trip) — "
            "type, or set `DEEPGRAM_API_KEY`")


def event_line(event: Event) -> str:
    """A one-line description of an event for logs and tests."""
    data = event.to_dict()
    for noisy in ("session_id", "at", "type", "seq", "turn", "attempts", "chat_markdown"):
        data.pop(noisy, None)
    return f"#{event.seq} {event.type.value} " + ", ".join(f"{k}={v!r}"[:80] for k, v in data.items())


def is_type(event: Event, kind: EventType) -> bool:
    return event.type == kind
