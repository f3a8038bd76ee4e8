def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()
