"""Computation: tokenizers, models, training jobs. Never imports streamlit."""
