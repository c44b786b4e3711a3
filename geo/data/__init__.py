"""Package data: the registries (sectors, statuses, columns, units) and the embedded Kunshan default (see PROVENANCE.md)."""
