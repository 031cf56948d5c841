"""Finding an agency (OPD) by the words people type: one search for every picker.

Registration, profile edits, ``/laporan`` and the announcement audience all ask "which agency?",
and people answer the way they speak: "dinkes", "Kab. Semarang", "pemkot semarang", "bpsdm".
The search normalises what was typed (case, punctuation, the usual abbreviations), matches every
word against an agency's name, its aliases (``content/opd.yaml``) and its code, and ranks exact
alias matches first. When nothing matches, ``suggest`` offers the closest names instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from bot.core.content import Opd

_NON_WORD = re.compile(r"[^\w\s]+")
# Abbreviations, and the words people use for a government, as the names write them.
_EXPANSIONS = {
    "kab": "kabupaten",
    "kabupaten": "kabupaten",
    "pemkab": "kabupaten",
    "pemkot": "kota",
    "kot": "kota",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "pemprov": "provinsi",
    "jateng": "jawa tengah",
}
# Words that tell nothing apart: every provincial agency is "Provinsi Jawa Tengah".
_FILLER = frozenset({"dan", "di", "dinas", "badan", "provinsi", "jawa", "tengah", "pemerintah"})


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces, abbreviations written out."""
    words = _NON_WORD.sub(" ", text.casefold()).split()
    return " ".join(_EXPANSIONS.get(word, word) for word in words)


def _haystack(opd: Opd) -> str:
    return " ".join(normalize(part) for part in (opd.name, opd.code, *opd.aliases))


def search(opds: Iterable[Opd], query: str, limit: int = 8) -> list[Opd]:
    """The agencies every word of ``query`` appears in, best first (at most ``limit``)."""
    wanted = normalize(query)
    words = wanted.split()
    if not words:
        return []
    meaningful = [w for w in words if w not in _FILLER] or words
    ranked: list[tuple[int, str, Opd]] = []
    for opd in opds:
        aliases = {normalize(a) for a in opd.aliases}
        haystack = _haystack(opd)
        if wanted in aliases or wanted == normalize(opd.name) or wanted == opd.code:
            ranked.append((0, opd.name, opd))
        elif all(_contains(haystack, word) for word in meaningful):
            # Whole words before prefixes: "tegal" is the kabupaten and the kota before "tegalrejo".
            whole = all(re.search(rf"\b{re.escape(w)}\b", haystack) for w in meaningful)
            ranked.append((1 if whole else 2, opd.name, opd))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [opd for _, _, opd in ranked[:limit]]


def exact(opds: Iterable[Opd], query: str) -> Opd | None:
    """The one agency ``query`` names exactly (its code, its name or one of its aliases), if
    exactly one does: "dinas kesehatan" is Dinas Kesehatan, not also the Dinas Peternakan dan
    Kesehatan Hewan the search finds too."""
    wanted = normalize(query)
    if not wanted:
        return None
    found = [
        opd
        for opd in opds
        if wanted in {normalize(a) for a in opd.aliases}
        or wanted == normalize(opd.name)
        or wanted == opd.code
    ]
    return found[0] if len(found) == 1 else None


def _contains(haystack: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}", haystack) is not None


def suggest(opds: Iterable[Opd], query: str, limit: int = 3) -> list[Opd]:
    """The agencies whose names are closest to ``query``, for "not found, did you mean ...?"."""
    candidates = list(opds)
    by_text: dict[str, Opd] = {}
    for opd in candidates:
        for text in (opd.name, *opd.aliases):
            by_text.setdefault(normalize(text), opd)
    close = difflib.get_close_matches(normalize(query), list(by_text), n=limit * 3, cutoff=0.5)
    found: list[Opd] = []
    for text in close:
        opd = by_text[text]
        if opd not in found:
            found.append(opd)
    return found[:limit]


_PROVINCE_SUFFIX = re.compile(r"\s*\bProvinsi Jawa Tengah\b\s*$", re.IGNORECASE)
_SLUG_GAPS = re.compile(r"[^a-z0-9]+")
_GENERIC_HEADS = frozenset({"dinas", "badan"})


def short_name(name: str, limit: int = 40) -> str:
    """A name for narrow places (a chart's axis, a button): "Provinsi Jawa Tengah", which every
    provincial agency shares, is dropped from the end; a name still too long drops a leading
    "Dinas" or "Badan", then its middle words, never its first word left nor its last ones
    (both tell agencies apart)."""
    short = _PROVINCE_SUFFIX.sub("", name).strip() or name
    if len(short) <= limit:
        return short
    words = short.split()
    if len(words) > 1 and words[0].casefold() in _GENERIC_HEADS:  # "Dinas", "Badan": kept
        words = words[1:]  # only when the name is too long; the next word tells it apart
        if len(" ".join(words)) <= limit:
            return " ".join(words)
    head, tail = words[:1], words[1:]
    while tail and len(" ".join([*head, "…", *tail])) > limit:
        tail = tail[1:] if len(tail) > 1 else []
    text = " ".join([*head, "…", *tail]) if tail else " ".join(head)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug(name: str, limit: int = 60) -> str:
    """An ASCII file-name part of a name: "Dinas Kesehatan Provinsi Jawa Tengah" ->
    "dinas-kesehatan-provinsi-jawa-tengah" (accents dropped, nothing but a-z, 0-9 and -)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = _SLUG_GAPS.sub("-", ascii_text.casefold()).strip("-")
    return text[:limit].rstrip("-") or "instansi"
