"""Map elements: one folium element per module (areas, outline, heat, density, markers, legend, basemaps)."""
