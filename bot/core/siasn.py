"""The coded vocabulary of ``jenisKursus`` in the SIASN course-record export.

The ledger keeps each credit's kind as the bot knows it: a module is microlearning, an outside
training is the kind chosen at ``/lapor``. The export uses one code per kind, so a column never
mixes codes and labels (the README lists them):

- ``e_learning``: a module of Sinau Bareng (self-paced microlearning with a quiz);
- ``diklat``, ``webinar``, ``kursus``, ``seminar``, ``lainnya``: outside trainings, as reported.
"""

from __future__ import annotations

E_LEARNING = "e_learning"
EXTERNAL = ("diklat", "webinar", "kursus", "seminar", "lainnya")
CODES = (E_LEARNING, *EXTERNAL)


def jenis_kursus(source_kind: str, activity_kind: object) -> str:
    """The code of one credit's kind: modules are ``e_learning``; an outside training keeps
    its reported kind, and anything unknown is ``lainnya``."""
    if source_kind == "module":
        return E_LEARNING
    kind = str(activity_kind or "").strip().lower()
    return kind if kind in EXTERNAL else "lainnya"
