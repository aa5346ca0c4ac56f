"""One frozen configuration for a run, grouping each stage's options."""

from __future__ import annotations

from dataclasses import dataclass, field

from textreuse.align.local_align import AlignConfig
from textreuse.clean.boilerplate import BoilerplateConfig
from textreuse.clean.encoding import EncodingConfig
from textreuse.index.candidates import IndexConfig
from textreuse.ingest.read import IngestConfig
from textreuse.relate.pairs import RelateConfig
from textreuse.relate.provenance import ProvenanceConfig


@dataclass(frozen=True)
class Config:
    """Options of every stage; the defaults are the documented ones."""

    index: IndexConfig = field(default_factory=IndexConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    relate: RelateConfig = field(default_factory=RelateConfig)
    encoding: EncodingConfig = field(default_factory=EncodingConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)

    @classmethod
    def for_ocr(cls) -> Config:
        """Return the configuration for OCR output: look-alike glyphs folded and hyphenated
        line ends joined for matching (:mod:`textreuse.clean.ocr`), word 4-grams sampled
        1 in 2 for candidates (a misread word breaks fewer of them), and passages scored
        on characters (``RelateConfig.ocr``).

        >>> Config.for_ocr().encoding.ocr
        True
        """
        return cls(
            encoding=EncodingConfig(ocr=True), index=IndexConfig(shingle_n=4, sample=2),
            relate=RelateConfig(ocr=True),
        )
