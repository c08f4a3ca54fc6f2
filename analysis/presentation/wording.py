"""Small pieces of English that let generated sentences read naturally for any count.

A paper that says "1 actions" or "0 audits are overdue, the largest being" reads as if no
one checked it.  Every number the paper puts in a sentence goes through these helpers, so
"no actions", "one action" and "36 actions" come out right whatever the quarter's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int, *, words_below: int = 10) -> str:
    """A count as the panel writes it: words for small counts, digits from ten up."""
    if 0 <= n < min(words_below, len(_SMALL)):
        return _SMALL[n]
    return f"{n:,}"


def count(n: int, singular: str, plural: str | None = None, *, words_below: int = 10) -> str:
    """``count(1, "action")`` -> "one action"; ``count(0, "action")`` -> "no actions"."""
    noun = singular if n == 1 else (plural or _pluralise(singular))
    return f"{number(n, words_below=words_below)} {noun}"


def figure(n: int, singular: str, plural: str | None = None) -> str:
    """Like :func:`count` but always in digits, for the headline figures the panel scans for."""
    noun = singular if n == 1 else (plural or _pluralise(singular))
    return f"{n:,} {noun}"


def verb(n: int, singular: str, plural: str) -> str:
    """Agreement: ``verb(1, "is", "are")`` -> "is"."""
    return singular if n == 1 else plural


def _pluralise(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """Oxford-comma-free list as British civil-service prose writes it: "a, b and c"."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def breakdown(counts: Mapping[str, int], singular: str | None = None) -> str:
    """ "Vulnerability (53), PEEL (15) and Fraud (1)" from an ordered mapping of counts."""
    if singular is None:
        return join_and(f"{name} ({n:,})" for name, n in counts.items())
    return join_and(f"{figure(n, singular)} in {name}" for name, n in counts.items())


def percent(part: int, whole: int) -> str:
    """Whole-number percentage, or "none" when there is nothing to divide."""
    if whole == 0:
        return "none"
    return f"{round(100 * part / whole)}%"


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop, whatever the pieces started with."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."
