"""The Gradio Blocks of Polyglot Console. Layout only: behaviour lives in handlers.py."""
from __future__ import annotations

import gradio as gr

from assistant import app_settings, environment_presets, validate_all

from . import handlers
from .tabs import airline_aliases, fallback_simulation
from .render import language_choices, route_card, status_html

CSS = """
.pc-status {display:flex; flex-wrap:wrap; gap:8px; margin:4px 0}
.pc-badge {border-radius:999px; padding:4px 12px; font-size:0.9em; border:1px solid #8884}
.pc-offline {background:#eef2ff; color:#1e3a8a}
.pc-live {background:#dcfce7; color:#14532d}
.pc-fallback {background:#fef3c7; color:#78350f}
.pc-error {background:#fee2e2; color:#7f1d1d}
#speech textarea {font-size:1.05em}
"""


def build_demo() -> gr.Blocks:
    """Build the console. Validates every config file first (raises ConfigError)."""
    validate_all()
    settings = app_settings()
    language = settings.default_language
    with gr.Blocks(title="Polyglot Console", css=CSS, theme=gr.themes.Soft(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])) as demo:
        session = gr.State(None)
        gr.Markdown("# ✈️ Polyglot Console\nAsk for a flight in your language: type below.")
        with gr.Tab("Voice", id="voice"):
            with gr.Row():
                language_box = gr.Dropdown(language_choices(), value=language, label="Language",
                                           elem_id="language", scale=2)
                environment = gr.Radio(list(environment_presets()), value=settings.default_environment,
                                       label="Environment", elem_id="environment", scale=2)
                interruptions = gr.Checkbox(value=settings.interruptions, label="Interruptions",
                                            elem_id="interruptions", scale=1)
            status = gr.HTML(status_html(), elem_id="status")
            with gr.Accordion("Route card", open=False):
                card = gr.Markdown(route_card(language), elem_id="route_card")
            with gr.Row(equal_height=True):
                chat = gr.Chatbot(handlers.greeting_messages(language), type="messages", label="Chat",
                                  elem_id="chat", height=460, scale=3, sanitize_html=True)
                speech = gr.Textbox(label="Speech (what the voice says)", lines=16, max_lines=24,
                                    interactive=False, elem_id="speech", scale=2)
            with gr.Row():
                text_input = gr.Textbox(placeholder="Type instead of speaking", show_label=False,
                                        elem_id="text_input", scale=5, max_length=settings.max_input_chars * 5)
                send = gr.Button("Send", variant="primary", elem_id="send", scale=1)
        airline_aliases.build_tab()
        fallback_simulation.build_tab()

        turn_inputs = [text_input, chat, session, language_box, environment, interruptions]
        turn_outputs = [chat, speech, status, session, text_input]
        send.click(handlers.send_text, turn_inputs, turn_outputs, concurrency_limit=None)
        text_input.submit(handlers.send_text, turn_inputs, turn_outputs, concurrency_limit=None)
        language_box.change(handlers.change_language, [language_box, environment, interruptions, session],
                            [chat, speech, card, status, session])
        for control in (environment, interruptions):
            control.change(handlers.update_session_settings, [session, environment, interruptions], [session])
    return demo
