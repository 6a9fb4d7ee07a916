"""demo.chat_view.ChatView: one chat pane built from a conversation's events."""
from __future__ import annotations

import html
import itertools
import re

import numpy as np
import pytest

from assistant import (Audio, ErrorEvent, Filler, Notice, PreSpeechText, ProviderFallback, StateChange, Thinking,
                       ToolCall, ToolResult, TurnMetrics, UserTranscript, VadActivity)
from demo.chat_view import MAX_MESSAGES, SEEN_LIMIT, ChatView, escape_user_text
from demo.render import flight_badge
from languages import phrase

SESSION = "s-test"


class Events:
    """Builds events with rising sequence numbers, like a session does."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)

    def __call__(self, cls, turn: int, **fields):
        return cls(session_id=SESSION, seq=next(self._seq), turn=turn, **fields)


@pytest.fixture()
def make() -> Events:
    return Events()


def reply(make, turn, text, final=True):
    return make(PreSpeechText, turn, chat_markdown=text, speech_text=f"spoken {text}", language="en", final=final)


def audio(make, turn):
    return make(Audio, turn, sample_rate=16000, samples=np.zeros(160, np.int16), sentence=0, provider="espeak")


def metrics(make, turn, **providers):
    return make(TurnMetrics, turn, total_ms=10, understand_ms=1, tool_ms=2, format_ms=3, providers=providers)


def roles(view):
    return [m["role"] for m in view.messages]


def contents(view):
    return [m["content"] for m in view.messages]


def pending(message) -> bool:
    return message.get("metadata", {}).get("status") == "pending"


# -- repeats -------------------------------------------------------------------------------------------

def test_a_repeated_sequence_number_is_ignored(make):
    view = ChatView()
    event = make(UserTranscript, 1, text="hello")
    assert view.apply(event) is True
    assert view.apply(event) is False
    # another event object with the same seq (the same event delivered through a second path)
    again = UserTranscript(session_id=SESSION, seq=event.seq, turn=1, text="hello")
    assert view.apply(again) is False
    assert contents(view) == ["hello"]


def test_a_repeated_reply_does_not_replace_a_later_one(make):
    view = ChatView()
    first = reply(make, 1, "Partial", final=False)
    view.apply(first)
    view.apply(reply(make, 1, "Whole reply"))
    assert view.apply(first) is False
    assert contents(view) == ["Whole reply"]


def test_sequence_numbers_are_forgotten_only_beyond_the_limit(make):
    view = ChatView()
    events = [make(Notice, 1, text=f"n{i}", kind="info") for i in range(SEEN_LIMIT + 1)]
    for event in events:
        view.apply(event)
    assert len(view.messages) == MAX_MESSAGES         # the pane is bounded; the seen numbers are not the pane
    assert view.apply(events[-1]) is False          # still remembered
    assert view.apply(events[1]) is False           # still within the last SEEN_LIMIT
    assert view.apply(events[0]) is True            # the oldest was forgotten


# -- user transcripts ----------------------------------------------------------------------------------

def test_interim_voice_transcripts_share_one_live_bubble(make):
    view = ChatView()
    view.greet("en")
    for text in ("I want", "I want to fly", "I want to fly to Lon"):
        view.apply(make(UserTranscript, 1, text=text, final=False, source="voice"))
        assert roles(view) == ["assistant", "user"]
        assert view.messages[-1]["content"] == escape_user_text(text)
    view.apply(make(UserTranscript, 1, text="I want to fly to London", final=True, source="voice"))
    assert roles(view) == ["assistant", "user"]
    assert view.messages[-1]["content"] == escape_user_text("I want to fly to London")


def test_after_a_final_transcript_the_next_utterance_gets_a_new_bubble(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid", final=False, source="voice"))
    view.apply(make(UserTranscript, 1, text="from Madrid", final=True, source="voice"))
    view.apply(make(UserTranscript, 2, text="to", final=False, source="voice"))
    view.apply(make(UserTranscript, 2, text="to London", final=True, source="voice"))
    assert contents(view) == ["from Madrid", "to London"]


def test_typed_final_transcripts_append(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hello"))
    view.apply(reply(make, 1, "Hi!"))
    view.apply(make(UserTranscript, 2, text="from Madrid"))
    view.apply(make(UserTranscript, 3, text="from Madrid"))   # the same words again are a new message
    assert roles(view) == ["user", "assistant", "user", "user"]
    assert contents(view) == ["hello", "Hi!", "from Madrid", "from Madrid"]


def test_a_final_voice_transcript_without_interims_appends(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hola", final=True, source="voice"))
    view.apply(make(UserTranscript, 2, text="adiós", final=True, source="voice"))
    assert contents(view) == ["hola", "adiós"]


@pytest.mark.parametrize("text", [
    "<b>bold</b> & <i>it</i>",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**not bold** _not italic_ `not code` ~~not struck~~",
    "[click](http://evil.example) ![img](x.png)",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "> not a quote",
    "| not | a table |",
    r"a \ backslash and C:\path",
    "&lt; already an entity",
])
def test_user_text_is_shown_verbatim_never_rendered(make, text):
    markdown_it = pytest.importorskip("markdown_it")
    view = ChatView()
    view.apply(make(UserTranscript, 1, text=text))
    shown = view.messages[-1]["content"]
    assert shown == escape_user_text(text)
    assert "<" not in shown and ">" not in shown
    rendered = markdown_it.MarkdownIt("commonmark").render(shown)
    # one paragraph and nothing else: no heading, list, link, image, emphasis, code or raw HTML
    assert rendered.startswith("<p>") and rendered.rstrip().endswith("</p>")
    inner = rendered.strip()[3:-4]
    assert "<" not in inner, rendered
    assert html.unescape(inner) == text


def test_escape_user_text_escapes_html_then_markdown():
    assert escape_user_text("<b>") == "&lt;b&gt;"
    assert escape_user_text("**x**") == r"\*\*x\*\*"
    assert escape_user_text("a_b") == r"a\_b"
    assert escape_user_text("plain words") == "plain words"


# -- one assistant message per turn --------------------------------------------------------------------

def test_thinking_filler_and_reply_use_one_assistant_message(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid to London tomorrow"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    assert roles(view) == ["user", "assistant"]
    assert pending(view.messages[1]) and view.messages[1]["metadata"]["title"] == "Let me check that."
    view.apply(make(ToolCall, 1, name="search_flights", arguments={"origin": "MAD"}))
    view.apply(make(Filler, 1, text="One moment."))
    assert roles(view) == ["user", "assistant"]
    assert pending(view.messages[1]) and view.messages[1]["metadata"]["title"] == "One moment."
    view.apply(reply(make, 1, "**Here are flights**"))
    assert roles(view) == ["user", "assistant"]
    assert view.messages[1] == {"role": "assistant", "content": "**Here are flights**"}
    assert view.speech == "spoken **Here are flights**"


def test_streamed_partial_replies_update_the_same_message(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hi"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    for text, final in (("Hello.", False), ("Hello. Where to?", False), ("Hello. Where to? And when?", True)):
        view.apply(reply(make, 1, text, final=final))
        assert roles(view) == ["user", "assistant"]
        assert view.messages[1]["content"] == text
        assert not pending(view.messages[1])


def test_each_turn_gets_its_own_assistant_message(make):
    view = ChatView()
    for turn in (1, 2):
        view.apply(make(UserTranscript, turn, text=f"question {turn}"))
        view.apply(make(Thinking, turn, text="Let me check that."))
        view.apply(reply(make, turn, f"answer {turn}"))
    assert contents(view) == ["question 1", "answer 1", "question 2", "answer 2"]


def test_a_notice_is_an_extra_italic_message(make):
    view = ChatView()
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(Notice, 1, text="Input was cut to 500 characters <!>", kind="truncated"))
    view.apply(reply(make, 1, "answer"))
    assert contents(view) == ["answer", "_Input was cut to 500 characters &lt;!&gt;_"]


def test_a_search_updates_what_the_route_card_says_was_understood(make):
    view = ChatView()
    assert view.apply(make(ToolCall, 1, name="search_flights",
                           arguments={"origin": "BOS", "destination": "SEA", "date": "2026-11-27", "airline": None,
                                      "nonstop": True})) is True
    assert view.messages == []
    assert view.understood["origin"] == "BOS" and view.understood["details"] == {"nonstop": True}


def test_events_that_show_nothing_return_false(make):
    view = ChatView()
    assert view.apply(audio(make, 1)) is False
    assert view.apply(make(VadActivity, 1, kind="speech_started", at_s=0.1)) is False
    assert view.apply(make(StateChange, 1, state="listening")) is False
    assert view.messages == []


def test_greet_adds_the_phrase_and_an_optional_escaped_note():
    view = ChatView()
    view.greet("es", note="Restored <your> chat")
    assert view.messages == [{"role": "assistant", "content": "_Restored &lt;your&gt; chat_"},
                             {"role": "assistant", "content": phrase("es", "greeting")}]


def test_restored_messages_are_kept_and_a_new_turn_appends(make):
    earlier = [{"role": "user", "content": "old"}, {"role": "assistant", "content": "older answer"}]
    view = ChatView(earlier)
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(reply(make, 1, "new answer"))
    assert contents(view) == ["old", "older answer", "new answer"]
    assert len(earlier) == 2                          # the caller's list is not modified


# -- interruptions -------------------------------------------------------------------------------------

def test_interrupt_removes_a_pending_thinking_indicator(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid to London"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    assert view.apply(make(StateChange, 1, state="interrupted")) is True
    assert contents(view) == ["from Madrid to London"]


def test_interrupt_marks_a_shown_reply(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hi"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(reply(make, 1, "Here are three flights."))
    view.apply(make(StateChange, 1, state="interrupted"))
    assert roles(view) == ["user", "assistant"]
    content = view.messages[1]["content"]
    assert content.startswith("Here are three flights.") and "(interrupted)" in content


def test_late_events_of_an_interrupted_turn_are_dropped(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid to London"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(StateChange, 1, state="interrupted"))
    before = [dict(m) for m in view.messages]
    assert view.apply(make(Thinking, 1, text="Let me check that.")) is False
    assert view.apply(make(Filler, 1, text="One moment.")) is False
    assert view.apply(reply(make, 1, "late reply", final=False)) is False
    assert view.apply(reply(make, 1, "late reply")) is False
    assert view.apply(audio(make, 1)) is False
    assert view.messages == before
    assert view.speech == ""


def test_the_next_turn_works_after_an_interruption(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="first"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(reply(make, 1, "first answer", final=False))
    view.apply(make(StateChange, 1, state="interrupted"))
    view.apply(make(UserTranscript, 2, text="second"))
    assert view.apply(make(Thinking, 2, text="Let me check that.")) is True
    assert pending(view.messages[-1])
    assert view.apply(reply(make, 2, "second answer")) is True
    view.apply(reply(make, 1, "first answer, complete"))           # late: dropped
    assert roles(view) == ["user", "assistant", "user", "assistant"]
    assert view.messages[1]["content"].startswith("first answer") and "(interrupted)" in view.messages[1]["content"]
    assert view.messages[3] == {"role": "assistant", "content": "second answer"}
    assert view.speech == "spoken second answer"


def test_metrics_of_an_interrupted_turn_still_update_badges(make):
    view = ChatView()
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(StateChange, 1, state="interrupted"))
    assert view.apply(metrics(make, 1, speech_to_text="deepgram", assistant="offline", voice="espeak")) is True
    assert view.badges["speech_to_text"][0] == "deepgram"


def test_interrupt_keeps_the_live_user_bubble_in_place(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid", source="voice"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(UserTranscript, 1, text="to Lon", final=False, source="voice"))
    view.apply(make(StateChange, 1, state="interrupted"))
    view.apply(make(UserTranscript, 1, text="to London tomorrow", final=True, source="voice"))
    assert contents(view) == ["from Madrid", "to London tomorrow"]


# -- errors --------------------------------------------------------------------------------------------

def test_an_input_error_is_appended(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hi"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(ErrorEvent, 1, message="The microphone sent <bad> audio.", stage="input", detail="dtype"))
    assert roles(view) == ["user", "assistant", "assistant"]
    assert pending(view.messages[1])                                   # the indicator is not replaced
    assert view.messages[2]["content"] == "⚠️ The microphone sent &lt;bad&gt; audio."
    assert view.speech == ""


@pytest.mark.parametrize("stage, badge", [("assistant", "assistant"), ("flight_data", "flight_data"),
                                          ("voice", "voice"), ("speech_to_text", "speech_to_text"),
                                          ("something_else", "assistant")])
def test_other_errors_replace_the_turns_placeholder(make, stage, badge):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="hi"))
    view.apply(make(Thinking, 1, text="Let me check that."))
    view.apply(make(ErrorEvent, 1, message="Flight data failed.", stage=stage, detail="timeout"))
    assert roles(view) == ["user", "assistant"]
    assert view.messages[1] == {"role": "assistant", "content": "⚠️ Flight data failed."}
    assert view.speech == "Flight data failed."
    assert view.badges[badge] == ("failed", "error", "timeout")


def test_an_error_without_a_placeholder_is_appended_and_keeps_the_users_words(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="from Madrid"))
    view.apply(make(ErrorEvent, 1, message="Something failed.", stage="assistant"))
    assert contents(view) == ["from Madrid", "⚠️ Something failed."]


# -- badges --------------------------------------------------------------------------------------------

def test_provider_fallback_sets_a_fallback_badge(make):
    view = ChatView()
    assert view.apply(make(ProviderFallback, 1, stage="voice", failed="cartesia", used="espeak",
                           reason="timeout: no audio")) is True
    assert view.badges["voice"] == ("espeak", "fallback", "cartesia failed: timeout: no audio")


def test_tool_result_sets_the_flight_data_badge(make):
    view = ChatView()
    view.apply(make(ToolResult, 1, name="search_flights", source="duffel", count=3, attempts=[], used_fallback=True))
    assert view.badges["flight_data"] == flight_badge("duffel", True)
    assert view.badges["flight_data"][:2] == ("duffel", "fallback")
    view.apply(make(ToolResult, 2, name="search_flights", source=None, count=0, attempts=[]))
    assert view.badges["flight_data"][1] == "error"


def test_turn_metrics_badges_for_offline_providers(make):
    view = ChatView()
    event = metrics(make, 1, speech_to_text="typed", assistant="offline", voice="espeak", flight_data="demo")
    assert view.apply(event) is True
    assert view.latest_metrics is event
    assert view.badges["speech_to_text"][:2] == ("typed text", "offline")
    assert view.badges["assistant"][:2] == ("rule-based agent", "offline")
    assert view.badges["voice"][:2] == ("espeak-ng", "offline")


def test_turn_metrics_badges_for_live_providers(make):
    view = ChatView()
    view.apply(metrics(make, 1, speech_to_text="deepgram", assistant="openai", voice="cartesia"))
    assert view.badges["speech_to_text"][:2] == ("deepgram", "live")
    assert view.badges["assistant"][:2] == ("openai", "live")
    assert view.badges["voice"][:2] == ("cartesia", "live")


def test_turn_metrics_keep_a_fallback_badge(make):
    view = ChatView()
    view.apply(make(ProviderFallback, 1, stage="assistant", failed="openai", used="offline", reason="timeout"))
    view.apply(make(ProviderFallback, 1, stage="voice", failed="cartesia", used="espeak", reason="auth"))
    view.apply(metrics(make, 1, assistant="offline (fallback)", voice="espeak (fallback)"))
    assert view.badges["assistant"] == ("offline", "fallback", "openai failed: timeout")
    assert view.badges["voice"] == ("espeak", "fallback", "cartesia failed: auth")
    assert view.badges["speech_to_text"][0] == "typed text"      # missing stage: typed


def test_turn_metrics_text_only_voice(make):
    view = ChatView()
    view.apply(metrics(make, 1, voice="none"))
    assert view.badges["voice"][0] == "text only"
    other = ChatView()
    other.apply(metrics(make, 2))                                 # no voice reported: no voice badge
    assert "voice" not in other.badges


def test_no_message_content_holds_raw_html_from_events(make):
    view = ChatView()
    view.apply(make(UserTranscript, 1, text="<script>x</script>"))
    view.apply(make(Notice, 1, text="<b>note</b>", kind="info"))
    view.apply(make(ErrorEvent, 1, message="<img src=x>", stage="input"))
    for content in contents(view):
        assert not re.search(r"<[a-z/]", content), content


def test_the_offline_recogniser_shows_a_listening_bubble_that_its_words_replace(make):
    view = ChatView()
    view.apply(make(StateChange, 0, state="transcribing", detail="2.1 s of audio to whisper-base"))
    assert view.messages[-1]["role"] == "user" and "…" in view.messages[-1]["content"]
    view.apply(make(UserTranscript, 1, text="from Madrid to London", final=True, source="voice"))
    assert [m["content"] for m in view.messages] == [escape_user_text("from Madrid to London")]
    view.apply(metrics(make, 1, speech_to_text="whisper-base"))
    assert view.badges["speech_to_text"][:2] == ("whisper-base", "offline")


def test_a_segment_heard_as_nothing_leaves_no_bubble(make):
    view = ChatView()
    view.greet("en")
    view.apply(make(StateChange, 0, state="transcribing", detail=""))
    view.apply(make(StateChange, 0, state="stt_rejected", detail="filler"))
    assert len(view.messages) == 1 and view.messages[0]["role"] == "assistant"


def test_loading_the_offline_model_is_shown_then_its_time(make):
    view = ChatView()
    view.apply(make(StateChange, 0, state="stt_loading", detail="loading the offline speech model whisper-base"))
    assert "loading the offline speech model" in view.messages[-1]["content"]
    view.apply(make(StateChange, 0, state="stt_ready", detail="offline speech model whisper-base loaded in 0.6 s"))
    assert len(view.messages) == 1 and "loaded in 0.6 s" in view.messages[0]["content"]


def test_deepgram_failing_marks_the_offline_recogniser_as_a_fallback(make):
    view = ChatView()
    view.apply(make(ProviderFallback, 0, stage="speech_to_text", failed="deepgram", used="whisper-base",
                    reason="auth: HTTP 401"))
    view.apply(metrics(make, 1, speech_to_text="whisper-base"))
    assert view.badges["speech_to_text"] == ("whisper-base", "fallback", "deepgram failed: auth: HTTP 401")


# -- bounded -------------------------------------------------------------------------------------

def test_the_pane_keeps_the_last_messages_and_turns_still_update_in_place(make):
    view = ChatView(max_messages=10)
    view.greet("en")
    for turn in range(1, 21):
        view.apply(make(UserTranscript, turn, text=f"question {turn}", final=True, source="typed"))
        view.apply(make(Thinking, turn, text="Let me check that."))
        view.apply(reply(make, turn, f"answer {turn}"))
    assert len(view.messages) == 10
    assert [m["content"] for m in view.messages[-2:]] == ["question 20", "answer 20"]
    # an interim bubble and a thinking indicator that sit at the end while older messages drop
    view.apply(make(UserTranscript, 21, text="I want", final=False, source="voice"))
    view.apply(make(UserTranscript, 21, text="I want to fly", final=True, source="voice"))
    view.apply(make(Thinking, 21, text="Let me check that."))
    view.apply(reply(make, 21, "answer 21"))
    assert len(view.messages) == 10
    assert [m["content"] for m in view.messages[-2:]] == ["I want to fly", "answer 21"]
    assert not any((m.get("metadata") or {}).get("status") == "pending" for m in view.messages)


def test_a_restored_browser_copy_is_cut_to_the_bound():
    messages = [{"role": "assistant", "content": f"m{i}"} for i in range(50)]
    view = ChatView(messages, max_messages=20)
    assert [m["content"] for m in view.messages] == [f"m{i}" for i in range(30, 50)]
