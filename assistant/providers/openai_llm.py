"""The language model: OpenAI Chat Completions, streamed, with tools, through the official SDK."""
from __future__ import annotations

import json
from typing import AsyncIterator

from .base import ErrorKind, LanguageModel, LazySdkClient, LlmDelta, ProviderError, ToolRequest, VoiceOptions
from .errors import env_key, provider_error

ENV_KEY = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"   # the SDK's own variable; tests point it at a local fake server


class OpenAILLM(LazySdkClient, LanguageModel):
    """Streams a reply; tool calls are assembled from their deltas and yielded whole."""

    name = "openai"

    def __init__(self, api_key: str, *, model: str, base_url: str | None = None, temperature: float = 0.3,
                 options: VoiceOptions | None = None) -> None:
        self._api_key = api_key
        self.model, self.temperature = model, temperature
        self.base_url = base_url or env_key(BASE_URL_ENV) or None
        self.options = options or VoiceOptions(timeout_s=10.0)
        self._client = None

    def __repr__(self) -> str:  # no credentials, ever
        return f"OpenAILLM(model={self.model!r}, base_url={self.base_url!r})"

    @classmethod
    def from_env(cls, model: str, temperature: float, timeout_s: float) -> "OpenAILLM | None":
        key = env_key(ENV_KEY)
        return cls(key, model=model, temperature=temperature, options=VoiceOptions(timeout_s=timeout_s)) if key else None

    def client(self):
        if self._client is None:
            from openai import AsyncOpenAI

            # retries are ours to decide (the offline agent answers instead), so the SDK makes none
            self._client = AsyncOpenAI(api_key=self._api_key, base_url=self.base_url, max_retries=0,
                                       timeout=self.options.timeout_s)
        return self._client

    async def stream(self, messages: list[dict], tools: list[dict]) -> AsyncIterator[LlmDelta]:
        secrets = (self._api_key,)
        pending: dict[int, dict] = {}
        try:
            stream = await self.client().chat.completions.create(
                model=self.model, messages=messages, tools=tools or None, stream=True,
                temperature=self.temperature)
            async for chunk in stream:
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta
                if delta is not None and delta.content:
                    yield LlmDelta(text=delta.content)
                for call in (delta.tool_calls or []) if delta is not None else []:
                    entry = pending.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                    entry["id"] = call.id or entry["id"]
                    if call.function is not None:
                        entry["name"] = call.function.name or entry["name"]
                        entry["arguments"] += call.function.arguments or ""
        except Exception as exc:  # mapped at the edge: no SDK error leaves this module
            raise provider_error(exc, self.name, secrets) from None
        for index in sorted(pending):
            yield LlmDelta(tool=_tool_request(pending[index]))


def _tool_request(entry: dict) -> ToolRequest:
    try:
        arguments = json.loads(entry["arguments"] or "{}")
    except json.JSONDecodeError:
        raise ProviderError(ErrorKind.MALFORMED, f"tool arguments are not JSON ({entry['name']})",
                            provider="openai") from None
    if not isinstance(arguments, dict) or not entry["name"]:
        raise ProviderError(ErrorKind.MALFORMED, "tool call without a name or an object of arguments",
                            provider="openai")
    return ToolRequest(id=entry["id"] or entry["name"], name=entry["name"], arguments=arguments)
