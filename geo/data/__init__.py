"""Package data: the registries (sectors, statuses, columns, units, datums, precisions, geocoder levels) and the
embedded Kunshan default (see PROVENANCE.md)."""
