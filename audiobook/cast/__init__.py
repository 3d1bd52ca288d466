"""The cast stage: voices.yaml (casting), automatic voices for the uncast (autovoice), the cast-file round trip
(castfile).
"""
