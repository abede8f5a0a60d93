"""Streamlit renderers: charts, token chips, embeds. No model loading, no training."""
