"""`make bench`: build a département-size then a nation-size data set on PostgreSQL and time the
secretariat's pages (work queue, filtered list, search, case page)."""
