"""Rendering of certified results: text, HTML and LaTeX tables, and pictures.
Nothing here certifies; it formats what the engine decided.
"""
