"""Lesson sources to RISE decks, offline reveal.js HTML and Anki decks.

Data flows one way: source -> lesson model -> figures and exercises -> exporters.
"""
