"""PAN plagiarism-detection measures: precision, recall, granularity and plagdet.

Implements the character-level measures of Potthast, Stein, Barrón-Cedeño and
Rosso, "An Evaluation Framework for Plagiarism Detection" (COLING 2010), as used
for the PAN 2013 text-alignment task.

Definitions (following the paper and PAN's ``perfmeasures.py``):

* A case ``s`` (ground truth) and a detection ``r`` are each a pair of
  half-open character ranges: one in a suspicious document, one in a source
  document. As a set of characters, an annotation is the union of its
  suspicious-range characters and its source-range characters, the two
  documents' characters being disjoint sets, so ``|s| = len(susp) + len(src)``.
* ``r`` *detects* ``s`` when both name the same (suspicious, source) document
  pair and their ranges share at least one character in the suspicious
  document **and** at least one in the source document.
* ``s ⊓ r = s ∩ r`` if ``r`` detects ``s``, else the empty set.
* macro recall    ``= 1/|S| Σ_s |⋃_r (s ⊓ r)| / |s|``
* macro precision ``= 1/|R| Σ_r |⋃_s (s ⊓ r)| / |r|``
* granularity ``= 1/|S_R| Σ_{s ∈ S_R} |R_s|`` with ``S_R`` the cases detected
  by at least one detection and ``R_s`` the detections that detect ``s``;
  ``1`` when ``S_R`` is empty.
* plagdet ``= F1(precision, recall) / log2(1 + granularity)``.

Averages are pooled over all cases and all detections of a corpus (as PAN
did), not averaged per document pair.

Edge cases follow PAN's official ``perfmeasures.py``:

* no cases and no detections: precision = recall = 1 (nothing to find, nothing
  wrongly found), granularity 1, plagdet 1;
* cases but no detections: recall 0 and precision 0 (not 1);
* detections but no cases: precision 0 and recall 0 (not 1);
* F1 is 0 when precision and recall are both 0.

As in the official code, which keeps annotations in Python sets, identical
duplicate cases (or identical duplicate detections) are counted once.
Offsets are plain integers; for PAN data they are code-point offsets into the
texts read as UTF-8 with ``newline=''``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "Case",
    "Detection",
    "PanScores",
    "Span",
    "merge_spans",
    "pan_scores",
    "plagdet_score",
    "read_pan_truth",
    "union_length",
]

Span = tuple[int, int]
"""A half-open character range ``(start, end)``: characters ``start .. end-1``."""

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Case:
    """One annotated reuse: a range of a suspicious document and a range of a source document.

    ``susp`` and ``src`` name the documents (e.g. ``suspicious-document00001.txt``);
    the spans are half-open code-point ranges. The same class serves for
    detections (see :data:`Detection`).

    >>> Case("s.txt", "r.txt", (0, 10), (5, 25)).size
    30
    """

    susp: str
    src: str
    susp_span: Span
    src_span: Span

    def __post_init__(self) -> None:
        for name in ("susp_span", "src_span"):
            start, end = getattr(self, name)
            if start < 0 or end < start:
                raise ValueError(f"{name} must satisfy 0 <= start <= end, got {(start, end)}")
        if self.size == 0:
            raise ValueError("an annotation must cover at least one character")

    @property
    def size(self) -> int:
        """Return the number of characters covered: suspicious range plus source range."""
        return (self.susp_span[1] - self.susp_span[0]) + (self.src_span[1] - self.src_span[0])

    @property
    def pair(self) -> tuple[str, str]:
        """Return the ``(susp, src)`` document pair this annotation belongs to."""
        return (self.susp, self.src)


Detection = Case
"""A detection has the same shape as a case."""


@dataclass(frozen=True)
class PanScores:
    """PAN text-alignment scores for one set of cases and detections.

    >>> PanScores(1.0, 1.0, 1.0, 1.0, 1, 1, 1).plagdet
    1.0
    """

    precision: float
    recall: float
    granularity: float
    plagdet: float
    n_cases: int
    n_detections: int
    n_detected_cases: int


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Return the union of half-open spans as sorted, disjoint, non-touching spans.

    Empty spans are dropped; touching spans are joined.

    >>> merge_spans([(5, 8), (0, 2), (1, 3), (8, 9), (4, 4)])
    [(0, 3), (5, 9)]
    """
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def union_length(starts: npt.ArrayLike, ends: npt.ArrayLike) -> int:
    """Return the number of characters covered by the union of spans ``[starts[i], ends[i])``.

    Spans with ``end <= start`` cover nothing. Vectorised: sort by start, and
    each span adds what lies beyond the largest end seen before it.

    >>> union_length([0, 1, 5], [3, 4, 6])
    5
    >>> union_length([], [])
    0
    """
    s = np.asarray(starts, dtype=np.int64)
    e = np.asarray(ends, dtype=np.int64)
    if s.size == 0:
        return 0
    order = np.argsort(s, kind="stable")
    s = s[order]
    e = e[order]
    reach = np.empty_like(e)
    reach[0] = s[0]
    if e.size > 1:
        np.maximum.accumulate(e[:-1], out=reach[1:])
        np.maximum(reach[1:], s[0], out=reach[1:])
    return int(np.maximum(e - np.maximum(s, reach), 0).sum())


def plagdet_score(precision: float, recall: float, granularity: float) -> float:
    """Return plagdet = F1(precision, recall) / log2(1 + granularity); 0 when F1 is 0.

    >>> round(plagdet_score(1.0, 1.0, 2.0), 6)
    0.63093
    >>> plagdet_score(0.0, 0.0, 1.0)
    0.0
    """
    if precision <= 0.0 or recall <= 0.0 or granularity < 1.0:
        return 0.0
    f1 = 2.0 * precision * recall / (precision + recall)
    return f1 / math.log2(1.0 + granularity)


def _as_arrays(items: Sequence[Case]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Return (susp starts, susp ends, src starts, src ends) as int64 arrays."""
    arr = np.array(
        [(c.susp_span[0], c.susp_span[1], c.src_span[0], c.src_span[1]) for c in items],
        dtype=np.int64,
    ).reshape(-1, 4)
    return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]


def _covered(
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    o_a0: IntArray,
    o_a1: IntArray,
    o_b0: IntArray,
    o_b1: IntArray,
) -> int:
    """Return |⋃_o (x ∩ o)| for x = ([a0,a1) in susp, [b0,b1) in src) over the others o."""
    return union_length(np.maximum(o_a0, a0), np.minimum(o_a1, a1)) + union_length(
        np.maximum(o_b0, b0), np.minimum(o_b1, b1)
    )


def _pair_sums(cases: Sequence[Case], dets: Sequence[Case]) -> tuple[float, float, int, int]:
    """Return (Σ case recall, Σ detection precision, Σ_s |R_s|, |S_R|) for one document pair."""
    sa0, sa1, sb0, sb1 = _as_arrays(cases)
    ra0, ra1, rb0, rb1 = _as_arrays(dets)
    # detects[i, j]: detection j shares a character with case i in both documents.
    detects = (
        (ra0[None, :] < sa1[:, None])
        & (ra1[None, :] > sa0[:, None])
        & (ra0[None, :] < ra1[None, :])
        & (sa0[:, None] < sa1[:, None])
        & (rb0[None, :] < sb1[:, None])
        & (rb1[None, :] > sb0[:, None])
        & (rb0[None, :] < rb1[None, :])
        & (sb0[:, None] < sb1[:, None])
    )
    s_size = (sa1 - sa0) + (sb1 - sb0)
    r_size = (ra1 - ra0) + (rb1 - rb0)
    rec_sum = 0.0
    n_per_case = detects.sum(axis=1)
    for i in np.flatnonzero(n_per_case):
        m = detects[i]
        got = _covered(
            int(sa0[i]), int(sa1[i]), int(sb0[i]), int(sb1[i]), ra0[m], ra1[m], rb0[m], rb1[m]
        )
        rec_sum += got / int(s_size[i])
    prec_sum = 0.0
    for j in np.flatnonzero(detects.any(axis=0)):
        m = detects[:, j]
        got = _covered(
            int(ra0[j]), int(ra1[j]), int(rb0[j]), int(rb1[j]), sa0[m], sa1[m], sb0[m], sb1[m]
        )
        prec_sum += got / int(r_size[j])
    return rec_sum, prec_sum, int(n_per_case.sum()), int(np.count_nonzero(n_per_case))


def pan_scores(cases: Iterable[Case], detections: Iterable[Detection]) -> PanScores:
    """Return PAN macro precision, macro recall, granularity and plagdet, pooled over all pairs.

    Cases and detections may come from any number of (susp, src) document
    pairs; a detection can only detect cases of its own pair. See the module
    docstring for the definitions and edge-case conventions.

    >>> s = [Case("x", "y", (0, 100), (0, 100))]
    >>> pan_scores(s, s).plagdet
    1.0
    >>> half = pan_scores(s, [Case("x", "y", (0, 50), (0, 50))])
    >>> (half.precision, half.recall, half.granularity)
    (1.0, 0.5, 1.0)
    """
    case_list = list(dict.fromkeys(cases))
    det_list = list(dict.fromkeys(detections))
    n_s, n_r = len(case_list), len(det_list)
    if n_s == 0 and n_r == 0:
        return PanScores(1.0, 1.0, 1.0, 1.0, 0, 0, 0)

    by_pair_s: dict[tuple[str, str], list[Case]] = defaultdict(list)
    by_pair_r: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for c in case_list:
        by_pair_s[c.pair].append(c)
    for d in det_list:
        by_pair_r[d.pair].append(d)

    rec_sum = prec_sum = 0.0
    n_links = n_detected = 0
    for pair, pcases in by_pair_s.items():
        pdets = by_pair_r.get(pair)
        if not pdets:
            continue
        r, p, links, detected = _pair_sums(pcases, pdets)
        rec_sum += r
        prec_sum += p
        n_links += links
        n_detected += detected

    recall = rec_sum / n_s if n_s and n_r else 0.0
    precision = prec_sum / n_r if n_s and n_r else 0.0
    granularity = n_links / n_detected if n_detected else 1.0
    return PanScores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=plagdet_score(precision, recall, granularity),
        n_cases=n_s,
        n_detections=n_r,
        n_detected_cases=n_detected,
    )


def read_pan_truth(xml_path: str | Path, name: str = "plagiarism") -> list[Case]:
    """Return the cases of one PAN XML file: its ``<feature name="plagiarism">`` elements.

    The suspicious document is the root's ``reference`` attribute; each
    feature gives ``this_offset``/``this_length`` (suspicious document) and
    ``source_reference``/``source_offset``/``source_length``. Features with
    another ``name`` (``about``, ``md5``, ...) or without source attributes
    are ignored. Pass ``name="detected-plagiarism"`` to read PAN-style
    detection files.

    >>> import tempfile, os
    >>> xml = ('<document reference="susp1.txt">'
    ...        '<feature name="md5" value="x"/>'
    ...        '<feature name="plagiarism" this_offset="10" this_length="5"'
    ...        ' source_reference="src1.txt" source_offset="0" source_length="7"/>'
    ...        '</document>')
    >>> with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
    ...     _ = f.write(xml)
    >>> read_pan_truth(f.name)
    [Case(susp='susp1.txt', src='src1.txt', susp_span=(10, 15), src_span=(0, 7))]
    >>> os.unlink(f.name)
    """
    root = ET.parse(xml_path).getroot()
    susp = root.get("reference")
    if susp is None:
        raise ValueError(f"{xml_path}: root element has no 'reference' attribute")
    out: list[Case] = []
    for feat in root.iter("feature"):
        if feat.get("name") != name:
            continue
        try:
            t_off = int(feat.attrib["this_offset"])
            t_len = int(feat.attrib["this_length"])
            src = feat.attrib["source_reference"]
            s_off = int(feat.attrib["source_offset"])
            s_len = int(feat.attrib["source_length"])
        except KeyError:
            continue
        out.append(Case(susp, src, (t_off, t_off + t_len), (s_off, s_off + s_len)))
    return out
