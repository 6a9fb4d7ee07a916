"""The Gradio UI of Polyglot Console (the only room that imports gradio)."""
