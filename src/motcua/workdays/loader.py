def calendar_cache_clear() -> None:
    pass
