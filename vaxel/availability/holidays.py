"""Swedish public holidays and the de-facto eves, from the `holidays` library.

The library counts every Sunday as a holiday unless told not to, and keeps the
eves (julafton, midsommarafton, nyårsafton) in a separate "de_facto" category.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib


@lru_cache(maxsize=64)
def _public(year: int) -> dict[date, str]:
    return dict(holidays_lib.country_holidays("SE", years=year, include_sundays=False, language="sv"))


@lru_cache(maxsize=64)
def _eves(year: int) -> dict[date, str]:
    return dict(
        holidays_lib.country_holidays(
            "SE", years=year, categories=("de_facto",), include_sundays=False, language="sv"
        )
    )


def is_public_holiday(day: date) -> bool:
    return day in _public(day.year)


def is_de_facto_eve(day: date) -> bool:
    return day in _eves(day.year)


def is_closed_day(day: date) -> bool:
    """A red day or one of the eves every municipality keeps closed."""
    return is_public_holiday(day) or is_de_facto_eve(day)


def is_day_before_closed_day(day: date) -> bool:
    return is_closed_day(day + timedelta(days=1))


def holiday_name(day: date) -> str | None:
    return _public(day.year).get(day) or _eves(day.year).get(day)
