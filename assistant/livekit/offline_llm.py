"""`offline_llm()`: the project's offline agent as a `livekit.agents.llm.LLM`, so the worker answers with
no OpenAI key, tool calls and all, with the same replies as the console's offline agent.

A user message goes through `OfflineAgent.plan`: a question or "I did not understand" is streamed as
text; a complete request becomes a `search_flights` tool call (IATA codes, ISO date). When the
framework hands back the tool's output, the search the tool ran (kept by call id in the
conversation) is formatted by `OfflineAgent.answer`. Both formats of each reply are kept, so the
agent's TTS node speaks the speech formatting of what the chat shows.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from languages import phrase

from ..agents import SEARCH_TOOL, OfflineAgent
from ..turn import Reply
from .conversation import Conversation, lent

TOOL_NAME = SEARCH_TOOL["function"]["name"]


class OfflineLLM(llm.LLM):
    """The rule-based agent behind LiveKit's LLM interface (no network, no key)."""

    def __init__(self) -> None:
        super().__init__()
        self.agent = OfflineAgent()
        self._own: Conversation | None = None   # used when no PolyglotAgent lends its conversation

    @property
    def model(self) -> str:
        return "offline-agent"

    @property
    def provider(self) -> str:
        return "polyglot"

    def conversation(self) -> Conversation:
        """The conversation lent by the running agent, else this LLM's own (English)."""
        found = lent()
        if found is not None:
            return found
        if self._own is None:
            self._own = Conversation.new()
        return self._own

    def chat(self, *, chat_ctx: llm.ChatContext, tools: list[llm.Tool] | None = None,
             conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
             parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
             tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
             extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN) -> "OfflineLLMStream":
        return OfflineLLMStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class OfflineLLMStream(llm.LLMStream):
    """One reply of the offline agent: text, or one tool call."""

    async def _run(self) -> None:
        owner: OfflineLLM = self._llm   # type: ignore[assignment]
        conversation = owner.conversation()
        last = _last_turn_item(self._chat_ctx)
        if isinstance(last, llm.FunctionCallOutput):
            self._say(conversation, _answer(owner.agent, conversation, last))
            return
        text = last.text_content if isinstance(last, llm.ChatMessage) else None
        if not text:   # a reply asked for without user words (e.g. on joining): the greeting
            self._say(conversation, conversation.session.say("greeting"))
            return
        step = owner.agent.plan(conversation.session, text)
        if isinstance(step, Reply):
            self._say(conversation, step)
        elif TOOL_NAME not in {tool.id for tool in self._tools}:
            self._say(conversation, conversation.session.say("error"))
        else:
            call = llm.FunctionToolCall(name=TOOL_NAME, call_id=f"offline_{uuid.uuid4().hex[:12]}",
                                        arguments=json.dumps(step.as_arguments(), ensure_ascii=False))
            self._send(llm.ChoiceDelta(role="assistant", tool_calls=[call]))

    def _say(self, conversation: Conversation, reply: Reply) -> None:
        conversation.replies.append(reply)
        self._send(llm.ChoiceDelta(role="assistant", content=reply.chat_markdown))

    def _send(self, delta: llm.ChoiceDelta) -> None:
        self._event_ch.send_nowait(llm.ChatChunk(id=f"offline-{uuid.uuid4().hex[:8]}", delta=delta))


def _last_turn_item(chat_ctx: llm.ChatContext) -> llm.ChatItem | None:
    """The newest user message or tool output (instructions and config updates are skipped)."""
    for item in reversed(chat_ctx.items):
        if isinstance(item, llm.FunctionCallOutput):
            return item
        if isinstance(item, llm.ChatMessage) and item.role in ("user", "assistant"):
            return item if item.role == "user" else None
    return None


def _answer(agent: OfflineAgent, conversation: Conversation, output: llm.FunctionCallOutput) -> Reply:
    """The reply to a tool's output: the search it ran, formatted; or what went wrong, said plainly."""
    found = conversation.searches.pop(output.call_id, None)
    if found is not None:
        query, outcome, details = found
        return agent.answer(query, outcome, conversation.language, details)
    if output.is_error and output.output:
        text = f"{phrase(conversation.language, 'error')} ({output.output[:160]})"
        return Reply(text, phrase(conversation.language, "error"), conversation.language)
    return conversation.session.say("error")


def offline_llm() -> OfflineLLM:
    """A new offline LLM (one per agent session)."""
    return OfflineLLM()
