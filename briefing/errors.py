"""The one exception type for content problems, and its one-line form."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, printed as `file:line:col: field: message`."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "(file)"
        return f"{self.file}:{self.line}:{self.col}: {field}: {self.message}"


class ContentError(Exception):
    """Raised with every problem a stage found; the CLI prints one line each."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(
        self,
    ) -> tuple[
        type[ContentError], tuple[list[Problem]]
    ]:  # pickled from build workers: keep the problems, not the joined text
        return type(self), (self.problems,)


class UsageError(Exception):
    """A command line that names something that does not exist (`--only zz`): known only once
    content is loaded, and reported as argparse reports any other usage error (exit 2)."""


def display_path(path: Path, root: Path | None = None) -> str:
    """Paths are shown relative to the working directory when they are below it, by the
    name they were given (a symlink is named, not the file it leads to)."""
    path = Path(path)
    path = path.parent.resolve() / path.name if path.name not in ("", ".", "..") else path.resolve()
    for base in (root, Path.cwd()):
        if base is not None:
            try:
                return str(path.relative_to(Path(base).resolve()))
            except ValueError:
                pass
    return str(path)


def print_problems(problems: list[Problem], summary: str | None = None) -> None:
    """The one way problems reach the user: one line each on stderr, then `summary`
    (with `{n}`, their count, filled in) if given."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if summary is not None:
        print(summary.format(n=len(problems)), file=sys.stderr)


def locate(templates: Path, template: str, needle: str) -> tuple[str, int, int]:
    """Where a refused URL is written: the document's template first, then the other
    templates and stylesheets (file, line, column); the template at 1:1 if nowhere literally."""
    first = templates / template
    for path in [first, *sorted(p for p in templates.iterdir() if p.is_file() and p != first)]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if needle[:60].removesuffix("...") in line:
                return display_path(path), number, line.index(needle[:60].removesuffix("...")) + 1
    return display_path(first), 1, 1
