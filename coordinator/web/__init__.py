"""HTTP layer: routes, pages, the JSON API and feeds. Thin: it calls services."""
