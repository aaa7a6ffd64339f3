"""Search-as-you-type over people, units and services, forgiving typos and missing
Swedish letters: "sjöberg", "sjoberg", "sjöbergh" and "anna sj" all find Anna Sjöberg.

Pure and in memory. Words are folded (case, å/ä→a, ö→o, é→e) and indexed by their
trigrams at the level of distinct words, so a query compares against the vocabulary
(thousands of words), not against every person. Each query word must match some word
of an entry: exactly, as a prefix (the word being typed), or by similarity (trigram
overlap, or the optimal-string-alignment edit distance, from rapidfuzz).

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
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

MIN_SIMILARITY = 0.6  # 1 - edits/length, or trigram overlap: a typo in a short word still passes
EXACT, PREFIX = 1.0, 0.9
FUZZY = 0.85  # at best, below a prefix
AS_TYPED = 0.05  # the letters as typed (ö for ö), above a match found only by folding
NAME_FIELD, OTHER_FIELDS = 1.0, 0.45  # 0.45 × (1.0 + 0.05) < 0.85 × 0.6: a name match always wins
CANDIDATES = 60  # vocabulary words sharing the most trigrams, compared letter by letter
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


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    # Per entry, the tie-break after score and kind, smallest first: more entries with the
    # same name, fewer words, shorter, alphabetical (folded name).
    order: list[tuple[int, int, int, str]] = field(default_factory=list)
    # Words as typed (lower case) → the entries having it in their name / other fields.
    postings: tuple[dict[str, list[int]], dict[str, list[int]]] = field(
        default_factory=lambda: (defaultdict(list), defaultdict(list))
    )
    forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # folded → as typed
    trigram_words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    words_by_prefix: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

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
        index.order = [(-carried[name], len(name.split()), len(name), name) for name in names]
        for word in index.forms:
            for gram in trigrams(word):
                index.trigram_words[gram].add(word)
            for length in range(1, min(len(word), 4) + 1):
                index.words_by_prefix[word[:length]].add(word)
        return index

    def _similar_words(self, query_word: str, *, last: bool) -> dict[str, tuple[float, bool]]:
        """Folded vocabulary words matching one folded query word: how well, and whether
        as a prefix (the word still being typed)."""
        found: dict[str, tuple[float, bool]] = {}
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
        for word in heapq.nlargest(CANDIDATES, shared, key=shared.__getitem__):
            if word in found:
                continue
            overlap = shared[word] / (len(grams) + len(trigrams(word)) - shared[word])
            similarity = max(overlap, OSA.normalized_similarity(query_word, word))
            if similarity >= MIN_SIMILARITY:
                found[word] = (similarity * FUZZY, False)
        return found

    def _matched(self, typed: str, folded: str, *, last: bool) -> dict[int, float]:
        """Entries matching one query word, each with its best match's worth."""
        matched: dict[int, float] = {}
        for word, (quality, prefix) in self._similar_words(folded, last=last).items():
            for form in self.forms[word]:
                as_typed = form.startswith(typed) if prefix else form == typed
                worth = quality + (AS_TYPED if as_typed and quality >= PREFIX else 0.0)
                for which, weight in ((NAME, NAME_FIELD), (OTHER, OTHER_FIELDS)):
                    value = worth * weight
                    for entry in self.postings[which].get(form, ()):
                        if value > matched.get(entry, 0.0):
                            matched[entry] = value
        return matched

    def search(self, query: str, *, limit: int = 20) -> list[tuple[Entry, float]]:
        query_words = typed_words(query)
        if not query_words:
            return []
        scores: dict[int, float] | None = None
        for position, (typed, folded) in enumerate(query_words):
            matched = self._matched(typed, folded, last=position == len(query_words) - 1)
            if scores is None:
                scores = matched
            else:  # every query word must match
                scores = {e: s + matched[e] for e, s in scores.items() if e in matched}
            if not scores:
                return []
        assert scores is not None
        best = heapq.nsmallest(limit, scores.items(), key=lambda item: self._rank(*item))
        return [(self.entries[position], score / len(query_words)) for position, score in best]

    def _rank(self, position: int, score: float) -> tuple:
        """Smallest first: score, kind, then the stable tie-break (the module's docstring).
        Rounded: equal matches summed in another order must still tie."""
        return (-round(score, 6), -self.entries[position].weight, *self.order[position], position)
