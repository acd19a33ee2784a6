"""Streamlit helpers shared by app.py and the pages: runtime, session state, texts, widgets."""
