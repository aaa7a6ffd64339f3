"""Search-as-you-type over people, units and services, forgiving typos and missing
Swedish letters: "sjöberg", "sjoberg", "sjöbergh" and "anna sj" all find Anna Sjöberg.

Pure and in memory. Words are folded (case, å/ä→a, ö→o, é→e) and indexed by their
trigrams at the level of distinct words, so a query compares against the vocabulary
(thousands of words), not against every person. Each query word must match some word
of an entry: exactly, as a prefix (the word being typed), or by similarity (trigram
overlap, or rapidfuzz's optimal-string-alignment distance against every word near in length).

How a match counts, per query word (docs/console.md, "How search ranks"):
1. Where it matched: a word of the entry's name (a person's name; a unit's name and its
   services) counts more than any match on the title or the unit a person works in.
   `OTHER_FIELDS` is small enough that the best title match stays below the weakest
   name match, so the name wins for exact, prefix and fuzzy matches alike.
2. How: exact, then prefix, then fuzzy (by how similar).
3. As typed: a match that keeps the letters the operator typed ("lö" in "Löfgren")
   gets `AS_TYPED` on top of one that matches only once folded ("lö" → "lo" in
   "Lokalvård"); folding still finds, so "sjoberg" finds Sjöberg.
Of equally good matches: the heavier kind (a unit before a person for a service word),
then the name more entries carry (the likelier one a caller means), then the name with
fewer words, then the shorter name, then alphabetical order, then the order of entry:
the same query always gives the same list.
"""

import heapq
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_SIMILARITY = 0.6  # 1 - edits/length, or trigram overlap: a typo in a short word still passes
# Worth in whole numbers, so equal matches sum to equal scores whatever their order.
EXACT, PREFIX = 1000, 900
FUZZY = 850  # at best, below a prefix; × the similarity
AS_TYPED = 50  # the letters as typed (ö for ö), above a match found only by folding (half for a typo)
NAME_FIELD, OTHER_FIELDS = 20, 9  # 9 × (1000 + 50) < 20 × 850 × 0.6: a name match always wins
SCALE = EXACT * NAME_FIELD  # a score of 1.0: an exact name match, per query word
CANDIDATES = 60  # vocabulary words sharing the most trigrams, scored by their overlap
NAME, OTHER = 0, 1  # the two fields of an entry


def fold(text: str) -> str:
    """Lower case without diacritics: "Sjöberg" → "sjoberg"."""
    # Decompose before and after case folding: compatibility forms (𝖠) fold only once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words."""
    return [w for w in "".join(c if c.isalnum() else " " for c in fold(text)).split() if w]


def typed_words(text: str) -> list[tuple[str, str]]:
    """(as typed in lower case, folded) for each word: "Löfgren" → ("löfgren", "lofgren")."""
    lowered = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())
    pairs = []
    for word in "".join(c if c.isalnum() else " " for c in lowered).split():
        folded = "".join(words(word))
        if folded:
            pairs.append((word, folded))
    return pairs


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Entry:
    kind: str  # person | unit
    id: int
    name: str  # what callers ask for: a person's name; a unit's name and its services (keywords)
    other: str = ""  # what else describes it: a person's title and unit
    weight: float = 1.0  # ties go to the heavier entry (a unit over a person for a service word)


def _two_postings() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    name: dict[str, list[int]] = defaultdict(list)
    other: dict[str, list[int]] = defaultdict(list)
    return name, other


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    # Entries in tie-break order (kind, then more entries with the same name, fewer
    # words, shorter, alphabetical, entered first): rank[position] and its inverse.
    rank: list[int] = field(default_factory=list)
    by_rank: list[int] = field(default_factory=list)
    # Words as typed (lower case) → the entries having it in their name / other fields.
    postings: tuple[dict[str, list[int]], dict[str, list[int]]] = field(default_factory=_two_postings)
    forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # folded → as typed
    trigram_words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    words_by_prefix: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    words_by_length: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> "SearchIndex":
        index = cls()
        names: list[str] = []
        for position, entry in enumerate(entries):
            index.entries.append(entry)
            names.append(" ".join(words(entry.name)))
            for which, text in ((NAME, entry.name), (OTHER, entry.other)):
                for typed, folded in set(typed_words(text)):
                    index.postings[which][typed].append(position)
                    index.forms[folded].add(typed)
        carried: dict[str, int] = defaultdict(int)
        for name in names:
            carried[name] += 1
        index.by_rank = sorted(
            range(len(names)),
            key=lambda p: (
                -index.entries[p].weight,
                -carried[names[p]],
                len(names[p].split()),
                len(names[p]),
                names[p],
                p,
            ),
        )
        index.rank = [0] * len(names)
        for rank, position in enumerate(index.by_rank):
            index.rank[position] = rank
        for word in index.forms:
            for gram in trigrams(word):
                index.trigram_words[gram].add(word)
            for length in range(1, min(len(word), 4) + 1):
                index.words_by_prefix[word[:length]].add(word)
            index.words_by_length[len(word)].append(word)
        return index

    def _similar_words(self, query_word: str, *, last: bool) -> dict[str, tuple[int, bool]]:
        """Folded vocabulary words matching one folded query word: how well, and whether
        as a prefix (the word still being typed)."""
        found: dict[str, tuple[int, bool]] = {}
        if query_word in self.forms:
            found[query_word] = (EXACT, False)
        if last:  # the word still being typed: any word it begins
            for word in self.words_by_prefix.get(query_word[:4], ()):
                if word != query_word and word.startswith(query_word):
                    found[word] = (PREFIX, True)
        grams = trigrams(query_word)
        shared: dict[str, int] = defaultdict(int)
        for gram in grams:
            for word in self.trigram_words.get(gram, ()):
                shared[word] += 1
        similar: dict[str, float] = {}
        for word in heapq.nlargest(CANDIDATES, shared, key=shared.__getitem__):
            similar[word] = shared[word] / (len(grams) + len(trigrams(word)) - shared[word])
        # Every word near in length, letter by letter, in C: a slip in a short word
        # ("lnön" for "lönn") shares too few trigrams to be among the candidates above.
        size = len(query_word)
        nearby = [
            w
            for n in range(math.ceil(size * MIN_SIMILARITY), int(size / MIN_SIMILARITY) + 1)
            for w in self.words_by_length.get(n, ())
        ]
        for word, letters, _index in process.extract(
            query_word, nearby, scorer=OSA.normalized_similarity, score_cutoff=MIN_SIMILARITY, limit=None
        ):
            similar[word] = max(similar.get(word, 0.0), letters)
        for word, similarity in similar.items():
            if word not in found and similarity >= MIN_SIMILARITY:
                found[word] = (round(similarity * FUZZY), False)
        return found

    def _matched(self, typed: str, folded: str, *, last: bool) -> dict[int, int]:
        """Entries matching one query word, each with its best match's worth."""
        worths: list[tuple[int, list[int]]] = []
        for word, (quality, prefix) in self._similar_words(folded, last=last).items():
            for form in self.forms[word]:
                if quality >= PREFIX:
                    as_typed = form.startswith(typed) if prefix else form == typed
                    worth = quality + (AS_TYPED if as_typed else 0)
                else:  # a typo: as typed when the letters typed differ from it no more than folded
                    as_typed = OSA.distance(typed, form) <= OSA.distance(folded, word)
                    worth = quality + (AS_TYPED // 2 if as_typed else 0)
                for which, weight in ((NAME, NAME_FIELD), (OTHER, OTHER_FIELDS)):
                    if form in self.postings[which]:
                        worths.append((worth * weight, self.postings[which][form]))
        matched: dict[int, int] = {}
        worths.sort(key=lambda pair: pair[0])
        for worth, entries in worths:  # the best last: it overwrites the others
            matched.update(dict.fromkeys(entries, worth))
        return matched

    def search(self, query: str, *, limit: int = 20) -> list[tuple[Entry, float]]:
        query_words = typed_words(query)
        if not query_words:
            return []
        scores: dict[int, int] | None = None
        for position, (typed, folded) in enumerate(query_words):
            matched = self._matched(typed, folded, last=position == len(query_words) - 1)
            if scores is None:
                scores = matched
            else:  # every query word must match
                smaller, larger = (scores, matched) if len(scores) <= len(matched) else (matched, scores)
                scores = {e: s + larger[e] for e, s in smaller.items() if e in larger}
            if not scores:
                return []
        assert scores is not None
        # Score first, then the tie-break rank, packed in one number so the heap compares
        # integers only (a directory's common surname matches thousands of people).
        size, rank = len(self.entries), self.rank
        best = heapq.nlargest(limit, [s * size + size - 1 - rank[e] for e, s in scores.items()])
        per_word = SCALE * len(query_words)
        return [(self.entries[self.by_rank[size - 1 - b % size]], (b // size) / per_word) for b in best]
