"""Stage 3, analysing: joins with areas and registries, town areas, totals, heat weights and the density grid."""
