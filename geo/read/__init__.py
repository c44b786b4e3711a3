"""Stage 1, reading: register files to a typed table (headers, units, dates) and a report of every row."""
