"""The letters app's services: weekly lists (weekly_lists), their sending (delivery), letters (letters)."""
