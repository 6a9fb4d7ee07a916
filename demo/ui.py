"""The Gradio Blocks of Polyglot Console. Layout only: behaviour lives in handlers.py."""
from __future__ import annotations

import gradio as gr

from fastrtc import WebRTC

from assistant import app_settings, environment_presets, voice_settings

from . import handlers
from .event_log import DEFAULT_KINDS, LOG_KINDS, log_html
from .render import language_choices, route_card, status_html, voice_note
from .rtc import rtc_configuration, server_rtc_configuration, turn_banner
from .sessions import STORAGE_KEY, browser_secret
from .startup import validate_all
from .tabs import airline_aliases, fallback_simulation, language_qa, livekit_panel
from .voice_stream import ConsoleStreamHandler

CSS = """
.pc-status {display:flex; flex-wrap:wrap; gap:8px; margin:4px 0}
.pc-badge {border-radius:999px; padding:4px 12px; font-size:0.9em; border:1px solid #8884}
.pc-offline {background:#eef2ff; color:#1e3a8a}
.pc-live {background:#dcfce7; color:#14532d}
.pc-fallback {background:#fef3c7; color:#78350f}
.pc-error {background:#fee2e2; color:#7f1d1d}
#speech textarea {font-size:1.05em}
.pc-log {max-height:360px; overflow-y:auto; border:1px solid #8884; border-radius:8px}
.pc-log table {width:100%; border-collapse:collapse; font-size:0.85em}
.pc-log th {position:sticky; top:0; background:#f3f4f6; text-align:left; padding:4px 6px}
.pc-log td {padding:3px 6px; border-top:1px solid #8882; vertical-align:top}
.pc-log-empty {padding:8px; color:#6b7280}
.pc-kind-error td, .pc-kind-provider_fallback td {background:#fef3c7}
.pc-banner {background:#fef3c7; color:#78350f; border:1px solid #f59e0b; border-radius:8px; padding:8px 12px}
"""


def build_demo() -> gr.Blocks:
    """Build the console. Validates every config file first (raises ConfigError)."""
    validate_all()
    settings, voice = app_settings(), voice_settings()
    language = settings.default_language
    with gr.Blocks(title="Polyglot Console", css=CSS, delete_cache=(3600, 3600),
                   theme=gr.themes.Soft(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])) as demo:
        visitor = gr.State("")
        browser_copy = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=browser_secret())
        gr.Markdown("# ✈️ Polyglot Console\nAsk for a flight in your language: press Record and speak, or type below.")
        gr.HTML(turn_banner(), elem_id="turn_banner", visible=bool(turn_banner()))
        with gr.Tab("Voice", id="voice"):
            with gr.Row():
                language_box = gr.Dropdown(language_choices(), value=language, label="Language",
                                           elem_id="language", scale=2)
                environment = gr.Radio(list(environment_presets()), value=settings.default_environment,
                                       label="Environment", elem_id="environment", scale=2)
                interruptions = gr.Checkbox(value=settings.interruptions, label="Interruptions",
                                            elem_id="interruptions", scale=1)
            status = gr.HTML(status_html(), elem_id="status")
            with gr.Row(equal_height=True):
                with gr.Column(scale=3, min_width=320):
                    webrtc = WebRTC(modality="audio", mode="send-receive", label="Microphone", elem_id="webrtc",
                                    rtc_configuration=rtc_configuration(), full_screen=False,
                                    server_rtc_configuration=server_rtc_configuration()[0],
                                    button_labels={"start": "Record", "stop": "Stop", "waiting": "Connecting"})
                with gr.Column(scale=2, min_width=240):
                    gr.Markdown(voice_note(), elem_id="voice_note")
            with gr.Accordion("Route card", open=False):
                card = gr.Markdown(route_card(language), elem_id="route_card")
            with gr.Row(equal_height=True):
                chat = gr.Chatbot(handlers.greeting_messages(language), type="messages", label="Chat",
                                  elem_id="chat", height=460, scale=3, sanitize_html=True,
                                  latex_delimiters=[])   # "$$" in a message is text, not LaTeX
                speech = gr.Textbox(label="Speech (what the voice says)", lines=16, max_lines=24,
                                    interactive=False, elem_id="speech", scale=2)
            with gr.Row():
                text_input = gr.Textbox(placeholder="Type instead of speaking", show_label=False,
                                        elem_id="text_input", scale=5, max_length=settings.max_input_chars * 5)
                send = gr.Button("Send", variant="primary", elem_id="send", scale=1)
            reply_audio = gr.Audio(label="Voice of typed replies", autoplay=True, interactive=False,
                                   elem_id="voice_audio")
            with gr.Accordion("Recording", open=False):
                gr.Markdown("The conversation as a stereo 48 kHz WAV (you on the left, the assistant on the right, "
                            "with the pauses as they happened) and its events as JSON.")
                export = gr.Button("Export recording", elem_id="recording_export")
                recording = gr.File(label="Recording files", file_count="multiple", interactive=False,
                                    elem_id="recording_files")
            with gr.Accordion("Latency and events", open=True):
                latency_plot = gr.Plot(label="Latency of the last turn", elem_id="latency_plot")
                kinds = gr.CheckboxGroup(LOG_KINDS, value=DEFAULT_KINDS, label="Show", elem_id="event_filter")
                gr.Markdown("**Event log** (newest first)")
                event_log = gr.HTML(log_html([]), elem_id="event_log")
        language_qa.build_tab()
        airline_aliases.build_tab()
        fallback_simulation.build_tab()
        livekit_panel.build_tab(visitor, language_box, environment, interruptions)

        demo.load(handlers.load_visitor, [browser_copy, language_box, environment, interruptions, kinds],
                  [visitor, chat, language_box, card, status, event_log, browser_copy])
        turn_inputs = [text_input, visitor, language_box, environment, interruptions, kinds]
        turn_outputs = [chat, speech, status, text_input, event_log, latency_plot, reply_audio, browser_copy, card]
        send.click(handlers.send_text, turn_inputs, turn_outputs, concurrency_limit=None)
        text_input.submit(handlers.send_text, turn_inputs, turn_outputs, concurrency_limit=None)
        language_box.input(handlers.change_language, [language_box, visitor, environment, interruptions, kinds],
                           [visitor, chat, speech, card, status, event_log, latency_plot, browser_copy])
        environment.change(handlers.change_environment, [visitor, environment], None)
        interruptions.input(handlers.toggle_interruptions, [visitor, interruptions, kinds, language_box, environment],
                            [chat, speech, event_log, reply_audio])
        kinds.change(handlers.filter_log, [visitor, kinds], [event_log])
        export.click(handlers.export_recording, [visitor], [recording])
        webrtc.stream(ConsoleStreamHandler(), inputs=[webrtc, visitor], outputs=[webrtc],
                      # fastrtc refuses past its limit in English: ours (the handler's localised voice_full) comes first
                      time_limit=voice.max_stream_s, concurrency_limit=2 * settings.max_voice_streams)
        webrtc.on_additional_outputs(handlers.voice_update, inputs=[visitor, kinds],
                                     outputs=[chat, speech, status, event_log, latency_plot, browser_copy, card],
                                     show_progress="hidden", concurrency_limit=None)
    return demo
