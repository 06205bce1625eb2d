"""Keywords that record and compare baselines and write the reports of the last run."""
from __future__ import annotations

from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword

from ..assertions import assert_no_regressions
from ..baseline import Baseline, compare, parse_tolerance
from ..baseline import update as update_baseline
from ..reports import write_reports
from .state import LibraryState


class BaselineKeywords:
    def __init__(self, state: LibraryState) -> None:
        self.state = state

    @keyword
    def save_baseline(self, path: str) -> str:
        """Records the last run's figures in the baseline file `path` and returns its path.

        The entry for this model and configuration (kernel set, engine, runtime) is added or
        replaced; entries of other models and configurations in the file are kept. Recorded:
        verdict, instructions and estimated cycles per inference and per layer (worst input),
        arena, flash and RAM bytes.

        Example:
        | `Run Random Inputs` | count=8 | seed=3 |
        | ${file}= | `Save Baseline` | ${OUTPUT_DIR}/bench-baseline.json |
        """
        entry, replaced = update_baseline(Path(path), self.state.report())
        logger.info(f"{'replaced' if replaced else 'added'} {entry.model} [{entry.configuration}] in {path}: "
                    f"{entry.instructions} instructions per inference")
        return str(path)

    @keyword
    def results_should_match_baseline(self, path: str, tolerance: str | None = None) -> None:
        """Fails if the last run regressed against its entry in the baseline file `path`.

        `tolerance` is the same syntax as the command line's `--tolerance`, e.g.
        `instructions=1%,cycles=1%,arena=0,flash=0,accuracy=0.5pp`; metrics not named keep
        their defaults. The failure names each regressed metric (and layer) with old -> new.
        The entry compared with is the one for the same model and configuration; when the file
        has the model only under another configuration (say the optimized kernels, while this
        run used the reference ones) that entry is compared with and the difference is logged.

        Examples:
        | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json |
        | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json | tolerance=instructions=5%,flash=1% |
        | `Run Keyword And Expect Error` | *instructions per inference* | `Results Should Match Baseline` | ${FILE} |
        """
        comparison = compare(self.state.report(), Baseline.load(Path(path)), parse_tolerance(tolerance))
        self.state.checks, self.state.notes = comparison.checks, comparison.notes  # for Write Reports, pass or fail
        logger.info(comparison.format_text())
        assert_no_regressions(comparison)

    @keyword
    def write_reports(self, html: str | None = None, markdown: str | None = None, junit: str | None = None) -> list[str]:
        """Writes the last run's reports: a self-contained HTML file, a Markdown summary, JUnit XML.

        Give any of the three paths; the others are not written. The last `Results Should Match
        Baseline` adds its checks (JUnit testcases, an HTML section). Returns the paths written.

        Example:
        | `Write Reports` | html=${OUTPUT_DIR}/sine.html | markdown=${OUTPUT_DIR}/sine.md | junit=${OUTPUT_DIR}/sine.xml |
        """
        written = write_reports(self.state.report(), Path(html) if html else None, Path(markdown) if markdown else None,
                                Path(junit) if junit else None, self.state.checks, self.state.notes)
        for path in written:
            logger.info(f"wrote {path}")
        return [str(p) for p in written]
