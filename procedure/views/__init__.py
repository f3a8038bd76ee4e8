"""The procedure's screens: lists (work queue, list, search, import) and the case page."""
