"""Schematic town and zone areas (示意): Voronoi cells of the gazetteer points, clipped to the outline.

No free source publishes town boundaries of Kunshan; these cells are a schematic partition, never
legal boundaries, and are labelled so (column ``schematic``).
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.place.gazetteer import kunshan_gazetteer
from geo.place.gazetteer import kunshan_outline

__all__ = ["town_areas", "METRIC_CRS"]

#: Projected CRS for metric work in Kunshan (UTM zone 51N).
METRIC_CRS = "EPSG:32651"


def town_areas(gazetteer: gpd.GeoDataFrame | None = None,
               outline: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Voronoi cells (computed in UTM 51N) of the area-seed points, clipped to the county outline.

    Returns a GeoDataFrame in EPSG:4326 with columns name, name_en, kind, area_km2 (km²),
    schematic (True) and geometry, one row per seed point in gazetteer order.
    """
    gazetteer = kunshan_gazetteer() if gazetteer is None else gazetteer
    outline = kunshan_outline() if outline is None else outline
    seeds = gazetteer[gazetteer["area_seed"]].to_crs(METRIC_CRS)
    shape = outline.to_crs(METRIC_CRS).union_all()
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds.geometry.to_numpy()),
                                     extend_to=shape.envelope.buffer(1000), ordered=True)
    clipped = shapely.intersection(shapely.get_parts(cells), shape)
    areas = gpd.GeoDataFrame(seeds[["name", "name_en", "kind"]].reset_index(drop=True),
                             geometry=clipped, crs=METRIC_CRS)
    areas["area_km2"] = areas.area / 1e6
    areas["schematic"] = True
    return areas.to_crs("EPSG:4326")[["name", "name_en", "kind", "area_km2", "schematic", "geometry"]]
