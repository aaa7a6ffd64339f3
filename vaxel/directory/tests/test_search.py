"""Search-as-you-type: typos, missing å/ä/ö, prefixes, titles, units and services."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.directory.search import Entry, SearchIndex, fold, typed_words
from vaxel.directory.selectors import search_directory
from vaxel.directory.services import person_add

PEOPLE = [
    Entry("person", 1, "Anna Sjöberg", "bygglovshandläggare Bygglov"),
    Entry("person", 2, "Anna Sjöström", "socialsekreterare Ekonomiskt bistånd"),
    Entry("person", 3, "Björn Åberg", "byggnadsinspektör Bygglov"),
    Entry("person", 4, "Annika Berg", "lärare Järnvägsskolan"),
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
    assert all(typed and folded == fold(folded) for typed, folded in typed_words(text))


# Where the issue found the name losing to a title or a unit: the operator types the
# first name and the start of the surname, and the person of that name must come first.
RANKING = SearchIndex.build(
    [
        Entry("person", 1, "Anna Sjögren", "lokalvårdare Lokalvård Hillerstorp"),
        Entry("person", 2, "Anna Löfgren", "socialsekreterare Individ- och familjeomsorg"),
        Entry("person", 3, "Magnus Ek", "handläggare Ekonomiskt bistånd"),
        Entry("person", 4, "Magnus Berg", "handläggare Bygglov"),
        Entry("person", 5, "Magnus Lind", "bygglovshandläggare Bygglov"),
        Entry("person", 6, "Magnus Hansson", "vaktmästare Fastighetsenheten"),
        Entry("person", 7, "Julia Ek", "undersköterska Korttidsboende Skeppshult"),
        Entry("person", 8, "Julia Berg", "sjuksköterska Korttidsboende Skeppshult"),
        Entry("person", 9, "Julia Sköld", "lärare Järnvägsskolan"),
        Entry("person", 10, "Anna Lofgren", "ekonom Ekonomienheten"),
        Entry("person", 11, "Sara Sjöberg", "kock Kostenheten"),
        Entry("person", 12, "Sara Sjöberg", "kock Kostenheten"),
        Entry("person", 13, "Sara Sjöbergsson", "kock Kostenheten"),
        Entry("unit", 20, "Bygglov bygglov detaljplan", weight=1.1),
        Entry("person", 21, "Bo Bygglund", "bygglovshandläggare Bygglov"),
    ]
)


def ranked(query: str) -> list[int]:
    return [entry.id for entry, _score in RANKING.search(query)]


@pytest.mark.parametrize(
    ("query", "first"),
    [("anna lö", 2), ("magnus han", 6), ("julia sk", 9), ("anna sjö", 1), ("magnus hansson", 6)],
)
def test_a_name_match_ranks_above_a_title_or_unit_match(query, first):
    assert ranked(query)[0] == first


def test_the_name_wins_for_fuzzy_matches_too():
    """A slip in the surname still beats an exact word of someone's title."""
    assert ranked("magnus hanson")[0] == 6
    assert ranked("julia skjöld")[0] == 9


def test_letters_as_typed_rank_above_folded_matches_and_folding_still_finds():
    assert ranked("anna lö")[:2] == [2, 10]  # Löfgren as typed, then Lofgren
    assert ranked("anna lo")[0] == 10
    assert ranked("anna lofgren")[0] == 10
    assert set(ranked("sjoberg")) >= {11, 12}  # no ö typed: Sjöberg is found


def test_letters_as_typed_count_for_typos_too():
    index = SearchIndex.build([Entry("person", 1, "Anna Sjoberg"), Entry("person", 2, "Anna Sjöberg")])
    assert [e.id for e, _s in index.search("anna sjöbreg")] == [2, 1]
    assert [e.id for e, _s in index.search("anna sjobreg")] == [1, 2]


def test_a_service_word_still_finds_its_unit_first():
    assert ranked("bygglov")[0] == 20
    assert ranked("byggl")[0] == 20  # a prefix of the unit's name, before Bo Bygglund's


def test_surname_first_and_typos_stay_found():
    assert ranked("hansson magnus")[0] == 6
    assert ranked("löfgren anna")[0] == 2
    assert ranked("anna löfrgen")[0] == 2


def test_equal_matches_keep_a_stable_explainable_order():
    """Of equal matches the name more people carry first, then the shorter name, then
    the order they were entered: the same list every time."""
    assert ranked("sara sjö")[:3] == [11, 12, 13]
    assert ranked("sara sjö") == ranked("sara sjö")


def test_the_directory_index_follows_changes(town):
    assert search_directory("sjöbergh")[0][:2] == ("person", town.anna.pk)
    newcomer = person_add(name="Zackarias Öhrn", email="z@example.se", unit="Bygglov")
    assert search_directory("zackarias ohrn")[0][:2] == ("person", newcomer.pk)


def test_the_directory_ranks_the_name_above_the_unit_a_person_works_in(town):
    """Through the directory's own index: the unit's name is a person's other words."""
    from vaxel.directory.services import unit_add

    unit_add(name="Lokalvård Hillerstorp")
    sjogren = person_add(
        name="Anna Sjögren", email="as@example.se", unit="Lokalvård Hillerstorp", title="lokalvårdare"
    )
    lofgren = person_add(name="Anna Löfgren", email="al@example.se", unit="Bygglov", title="handläggare")
    hits = search_directory("anna lö")
    assert hits[0][:2] == ("person", lofgren.pk)
    assert ("person", sjogren.pk) in [hit[:2] for hit in hits]


def test_a_slip_in_a_short_surname_is_found_among_many_similar_words():
    """'lnön' shares one trigram with 'lönn', as do hundreds of words beginning with l:
    too few for the trigram candidates; the letter-by-letter comparison finds it."""
    others = [
        Entry("person", n, f"Tyra L{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}berg") for n in range(2, 300)
    ]
    index = SearchIndex.build([Entry("person", 1, "Tyra Lönn"), *others])
    assert index.search("Tyra Lnön")[0][0].id == 1
