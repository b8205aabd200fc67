"""Eligo's NLP: registry text → outline → annotated docs → :class:`models.Protocol`."""
