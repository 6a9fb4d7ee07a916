"""The "LiveKit" tab: a room for trying the production LiveKit agent in the visitor's language.

The status line, the result card and the click handler are plain functions calling
`assistant.livekit.rooms`; `build_tab` only wires Gradio.

Constraint: the page receives the room, the identity, the server URL, the participant token and
the join link, never LIVEKIT_API_KEY or LIVEKIT_API_SECRET (a `LiveKitPlan` does not carry them).
"""
from __future__ import annotations

import datetime as dt
import html
import secrets

import gradio as gr

from assistant.livekit.rooms import LiveKitPlan, livekit_settings, prepare_room, preview

STEP_LABELS = {"create_room": "Create room", "dispatch_agent": "Dispatch agent", "token": "Participant token"}
STATUS_MARKS = {"ok": "✔", "skipped": "–", "failed": "✘"}


def _badge(kind: str, text: str) -> str:
    return f'<span class="pc-badge pc-{kind}">{text}</span>'


def status_html(language: str) -> str:
    """One line: which LiveKit variables are missing, APP_ENV, and the room this language joins."""
    plan = preview("", language or "en")
    if plan.missing:
        keys = _badge("offline", "LiveKit: missing " + html.escape(", ".join(plan.missing)))
    else:
        keys = _badge("live", "LiveKit: keys set")
    parts = [keys, (f"<span>APP_ENV <b>{html.escape(plan.app_env)}</b> → room <code>{html.escape(plan.room)}"
                    f"</code> · agent <code>{html.escape(plan.agent_name)}</code></span>")]
    if plan.app_env_note:
        parts.append(f"<span><i>{html.escape(plan.app_env_note)}</i></span>")
    return f'<div class="pc-status">{"".join(parts)}</div>'


def short_token(token: str) -> str:
    """The first 12 and last 6 characters of a token, for display next to its copy box."""
    return token if len(token) <= 24 else f"{token[:12]}…{token[-6:]}"


def _steps_html(plan: LiveKitPlan) -> str:
    rows = "".join(f"<tr><td>{STATUS_MARKS.get(s.status, '?')} {html.escape(STEP_LABELS.get(s.name, s.name))}</td>"
                   f"<td>{html.escape(s.status)}</td><td>{html.escape(s.detail)}</td></tr>" for s in plan.steps)
    return f'<table class="pc-livekit-steps"><tbody>{rows}</tbody></table>' if rows else ""


def _expiry_text(expires_at: dt.datetime | None) -> str:
    if expires_at is None:
        return ""
    minutes = max(0, round((expires_at - dt.datetime.now(dt.UTC)).total_seconds() / 60))
    return f"{expires_at:%Y-%m-%d %H:%M} UTC (in {minutes} min)"


def result_html(plan: LiveKitPlan) -> str:
    """The result card: the join details when the room is ready, else what is missing or what failed."""
    room = f"<code>{html.escape(plan.room)}</code>"
    if plan.missing:
        need = html.escape(", ".join(plan.missing))
        return (f'<div class="pc-status">{_badge("error", "Not created: set " + need)}</div>'
                f"<p>Set {need} (on a Space: Settings → Secrets) and restart to create rooms. "
                f"This visitor would join {room} as <code>{html.escape(plan.identity)}</code>.</p>"
                + _steps_html(plan))
    if plan.error or not plan.ready:
        message = html.escape(plan.error or "the room could not be prepared")
        return (f'<div class="pc-status">{_badge("error", "⚠ " + message)}</div>'
                f"<p>Room {room} · identity <code>{html.escape(plan.identity)}</code></p>" + _steps_html(plan))
    link = html.escape(plan.join_link, quote=True)
    rows = [("Room", room), ("Identity", f"<code>{html.escape(plan.identity)}</code>"),
            ("Agent", f"<code>{html.escape(plan.agent_name)}</code> dispatched"),
            ("Expires", html.escape(_expiry_text(plan.expires_at))),
            ("Server URL", f"<code>{html.escape(plan.server_url)}</code>"),
            ("Token", f"<code>{html.escape(short_token(plan.token))}</code> (copy it from the box below)")]
    table = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (f'<div class="pc-status">{_badge("live", "Room ready")}</div>'
            f'<p><a href="{link}" target="_blank" rel="noopener noreferrer" id="livekit_playground_link">'
            "Open the LiveKit Agents Playground ↗</a></p>"
            f"<table>{table}</table>"
            "<p><small>If the playground opens on its Connect screen, choose <b>Manual</b> and paste the "
            "server URL and the token.</small></p>" + _steps_html(plan))


async def create_room(visitor_id: str, language: str, environment: str, interruptions: bool):
    """Button handler: (result card, token box update, status line). Never raises."""
    visitor_id = visitor_id or secrets.token_urlsafe(12)  # the page has not loaded its visitor id yet
    try:
        plan = await prepare_room(visitor_id, language or "en", environment or "", bool(interruptions))
    except Exception as exc:  # noqa: BLE001 (the tab shows a message, never a traceback)
        card = f'<div class="pc-status">{_badge("error", "⚠ unexpected " + html.escape(type(exc).__name__))}</div>'
        return card, gr.update(value="", visible=False), status_html(language)
    token_box = gr.update(value=plan.token, visible=bool(plan.token))
    return result_html(plan), token_box, status_html(language)


def build_tab(visitor: gr.State, language: gr.Dropdown, environment: gr.Radio, interruptions: gr.Checkbox) -> None:
    """The "LiveKit" tab and its events (call inside a `gr.Blocks`, after the Voice tab's inputs exist)."""
    livekit_settings()  # a broken configs/livekit.yaml stops the app at start (ConfigError)
    with gr.Tab("LiveKit", id="livekit") as tab, gr.Column(elem_id="livekit_panel"):
        gr.Markdown("Try the LiveKit agent in the language, environment preset and interruption setting "
                    "chosen on the **Voice** tab: this creates the room (one per language in production, one "
                    "shared room in development), dispatches the agent and gives you a short-lived join link "
                    "for the LiveKit Agents Playground.")
        status = gr.HTML(status_html(language.value), elem_id="livekit_status")
        join = gr.Button("Create room and get a join link", variant="primary", elem_id="livekit_join")
        result = gr.HTML("", elem_id="livekit_result")
        token_box = gr.Textbox(label="Participant token (joins this room only)", interactive=False,
                               show_copy_button=True, visible=False, lines=2, elem_id="livekit_token")
    tab.select(status_html, [language], [status], queue=False, show_progress="hidden")
    language.change(status_html, [language], [status], queue=False, show_progress="hidden")
    join.click(create_room, [visitor, language, environment, interruptions], [result, token_box, status])
