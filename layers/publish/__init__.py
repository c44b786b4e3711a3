"""Publishing: the pinned assets, the HTML file (atomic, offline or CDN) and the portal embed snippet."""
