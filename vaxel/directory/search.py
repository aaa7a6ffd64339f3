"""Search-as-you-type over people, units and services, forgiving typos and missing
Swedish letters: "sjöberg", "sjoberg", "sjöbergh" and "anna sj" all find Anna Sjöberg.

Pure and in memory. Words are folded (case, å/ä→a, ö→o, é→e) and indexed by their
trigrams at the level of distinct words, so a query compares against the vocabulary
(thousands of words), not against every person. Each query word must match some word
of an entry: exactly, as a prefix (the word being typed), or by trigram similarity.
"""

import heapq
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SIMILARITY = 0.6  # 1 - edits/length, or trigram overlap: a typo in a short word still passes
EXACT, PREFIX = 1.0, 0.9
FUZZY = 0.85  # at best, below a prefix
CANDIDATES = 60  # vocabulary words sharing the most trigrams, compared letter by letter


def fold(text: str) -> str:
    """Lower case without diacritics: "Sjöberg" → "sjoberg"."""
    # Decompose before and after case folding: compatibility forms (𝖠) fold only once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in fold(text)).split() if w]


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Entry:
    kind: str  # person | unit
    id: int
    text: str  # what is searched: name, title, unit, keywords
    weight: float = 1.0  # ties go to the heavier entry (a unit over a person for a service word)
    name: str = ""  # the name alone; of equal matches, the one with fewer other names wins


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    name_lengths: list[int] = field(default_factory=list)
    word_entries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    trigram_words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    words_by_prefix: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> "SearchIndex":
        index = cls()
        for position, entry in enumerate(entries):
            index.entries.append(entry)
            index.name_lengths.append(len(words(entry.name or entry.text)))
            for word in set(words(entry.text)):
                index.word_entries[word].append(position)
        for word in index.word_entries:
            for gram in trigrams(word):
                index.trigram_words[gram].add(word)
            for length in range(1, min(len(word), 4) + 1):
                index.words_by_prefix[word[:length]].add(word)
        return index

    def _similar_words(self, query_word: str, *, last: bool) -> dict[str, float]:
        """Vocabulary words matching one query word, with how well."""
        found: dict[str, float] = {}
        if query_word in self.word_entries:
            found[query_word] = EXACT
        if last:  # the word still being typed: any word it begins
            candidates = self.words_by_prefix.get(query_word[:4], set())
            for word in candidates:
                if word != query_word and word.startswith(query_word):
                    found[word] = max(found.get(word, 0.0), PREFIX)
        grams = trigrams(query_word)
        shared: dict[str, int] = defaultdict(int)
        for gram in grams:
            for word in self.trigram_words.get(gram, ()):
                shared[word] += 1
        for word in heapq.nlargest(CANDIDATES, shared, key=shared.__getitem__):
            overlap = shared[word] / (len(grams) + len(trigrams(word)) - shared[word])
            letters = 1 - edit_distance(query_word, word) / max(len(query_word), len(word))
            similarity = max(overlap, letters)
            if similarity >= MIN_SIMILARITY:
                found[word] = max(found.get(word, 0.0), similarity * FUZZY)
        return found

    def search(self, query: str, *, limit: int = 20) -> list[tuple[Entry, float]]:
        query_words = words(query)
        if not query_words:
            return []
        scores: dict[int, float] | None = None
        for position, query_word in enumerate(query_words):
            matched: dict[int, float] = {}
            for word, similarity in self._similar_words(
                query_word, last=position == len(query_words) - 1
            ).items():
                for entry in self.word_entries[word]:
                    if similarity > matched.get(entry, 0.0):
                        matched[entry] = similarity
            if scores is None:
                scores = matched
            else:  # every query word must match
                scores = {e: s + matched[e] for e, s in scores.items() if e in matched}
            if not scores:
                return []
        assert scores is not None
        best = heapq.nlargest(
            limit,
            scores.items(),
            key=lambda item: (item[1], self.entries[item[0]].weight, -self.name_lengths[item[0]], -item[0]),
        )
        return [(self.entries[position], score / len(query_words)) for position, score in best]
