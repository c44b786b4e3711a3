"""Online geocoding: providers, the SQLite cache, resumable batches and geocoded register files."""
