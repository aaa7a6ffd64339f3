"""URL path converters. `<id:pk>` is a database id: ASCII digits that fit a 64-bit
integer. Django's `<int:>` takes any length, and twenty digits reach the database as a
number it cannot hold (a 500); here they simply match no page (a 404)."""


class RecordId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
