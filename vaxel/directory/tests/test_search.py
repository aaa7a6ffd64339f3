"""Search-as-you-type: typos, missing å/ä/ö, prefixes, titles, units and services."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.directory.search import Entry, SearchIndex, fold
from vaxel.directory.selectors import search_directory
from vaxel.directory.services import person_add

PEOPLE = [
    Entry("person", 1, "Anna Sjöberg bygglovshandläggare Bygglov"),
    Entry("person", 2, "Anna Sjöström socialsekreterare Ekonomiskt bistånd"),
    Entry("person", 3, "Björn Åberg byggnadsinspektör Bygglov"),
    Entry("person", 4, "Annika Berg lärare Järnvägsskolan"),
    Entry("unit", 10, "Bygglov bygglov detaljplan attefallshus", weight=1.1),
    Entry("unit", 11, "Skolskjuts och kost skolskjuts skolmat busskort", weight=1.1),
]
INDEX = SearchIndex.build(PEOPLE)


def top(query: str) -> tuple[str, int]:
    entry, _score = INDEX.search(query)[0]
    return entry.kind, entry.id


@pytest.mark.parametrize(
    "query", ["sjöberg", "sjoberg", "sjöbergh", "anna sj", "Sjöberg Anna", "ANNA SJÖBERG", "sjberg"]
)
def test_operator_finds_anna_sjoberg_despite_typos(query):
    assert top(query) == ("person", 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bygglov", ("unit", 10)),
        ("attefall", ("unit", 10)),
        ("skolskjuts", ("unit", 11)),
        ("busskort", ("unit", 11)),
        ("byggnadsinspektör", ("person", 3)),
        ("aberg", ("person", 3)),
        ("ekonomiskt", ("person", 2)),
    ],
)
def test_units_services_and_titles_are_found(query, expected):
    assert top(query) == expected


def test_nothing_matches_nonsense_and_empty_queries():
    assert INDEX.search("xqzv") == []
    assert INDEX.search("  ") == []


@given(st.text(max_size=40))
def test_any_typed_text_is_safe(text):
    INDEX.search(text)
    assert fold(text) == fold(fold(text))


def test_the_directory_index_follows_changes(town):
    assert search_directory("sjöbergh")[0][:2] == ("person", town.anna.pk)
    newcomer = person_add(name="Zackarias Öhrn", email="z@example.se", unit="Bygglov")
    assert search_directory("zackarias ohrn")[0][:2] == ("person", newcomer.pk)
