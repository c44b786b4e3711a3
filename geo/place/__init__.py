"""Stage 2, placing: datums, the gazetteer, offline address reading and park locations (WGS-84, with a precision)."""
