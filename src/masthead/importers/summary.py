"""What an import did (or, in a dry run, would do): counts by kind, warnings, and the posts that
came over changed in a way their editor must know about."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

MAX_KEPT_WARNINGS = 500


@dataclass
class Summary:
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    warnings: list = field(default_factory=list)
    warning_count: int = 0
    dry_run: bool = False
    site: str = ""
    # Password-protected or private in WordPress: imported as drafts so their text stays
    # private. Listed in the summary, never only among the warnings.
    made_drafts: list = field(default_factory=list)

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[kind][action] += n

    def warn(self, where: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT_WARNINGS:
            self.warnings.append(f"{where}: {message}" if where else message)

    def total(self, action: str) -> int:
        return sum(c[action] for c in self.counts.values())
