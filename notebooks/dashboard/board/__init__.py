"""The analysts' dashboard: database access, filters, shared page parts and the map's geography."""
