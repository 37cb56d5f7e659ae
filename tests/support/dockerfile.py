"""Read a Dockerfile and a ``.dockerignore`` the way Docker does, without a Docker engine.

Enough of both formats for the checks of tests/unit/test_dockerfile.py: instructions with
their continuation lines and ``--flags``, stages, ``COPY`` sources, ``RUN --mount`` binds,
and the build context's exclusion rules (moby's patternmatcher: Go's ``filepath.Match``
plus ``**``, ``!`` exceptions, the last matching pattern wins, a directory's rule covers
what it holds).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY...
    flags: dict[str, str]  # --from=builder -> {"from": "builder"}; --mount may repeat
    args: list[str]  # the words after the flags (JSON form: the array's items)
    text: str  # everything after the keyword, continuation lines joined
    mounts: list[dict[str, str]] = field(default_factory=list)  # RUN --mount=a=b,c=d


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def _logical_lines(text: str) -> list[str]:
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or not stripped:
            continue  # comments (and parser directives) may sit inside a continuation
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    return lines


def _instruction(line: str) -> Instruction:
    keyword, _, rest = line.partition(" ")
    flags: dict[str, str] = {}
    mounts: list[dict[str, str]] = []
    words = shlex.split(rest, posix=True) if not rest.lstrip().startswith("[") else []
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0)[2:].partition("=")
        if name == "mount":
            mounts.append(dict(part.partition("=")[::2] for part in value.split(",")))
        else:
            flags[name] = value
    if rest.lstrip().startswith("["):
        words = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)
    return Instruction(keyword.upper(), flags, words, rest.strip(), mounts)


def stages(dockerfile: Path) -> list[Stage]:
    """The Dockerfile's stages in order, each with its instructions (ARGs before FROM dropped)."""
    found: list[Stage] = []
    for line in _logical_lines(dockerfile.read_text()):
        instruction = _instruction(line)
        if instruction.keyword == "FROM":
            args = instruction.args
            name = args[2] if len(args) >= 3 and args[1].upper() == "AS" else None
            found.append(Stage(args[0], name, []))
        elif found:
            found[-1].instructions.append(instruction)
    return found


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """moby's translation of one pattern: ``**`` any depth, ``*`` and ``?`` within a name."""
    out, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # "**/" : zero or more directories
                out += "(.*/)?"
                i += 1
            else:
                out += ".*"
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.index("]", i)
            out += pattern[i:end + 1].replace("[!", "[^")
            i = end
        elif char == "\\":
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(char)
        i += 1
    return re.compile(out + r"\Z")


class DockerIgnore:
    """The exclusion rules of a ``.dockerignore`` file."""

    def __init__(self, path: Path) -> None:
        self.patterns: list[tuple[bool, re.Pattern[str]]] = []
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            exception = line.startswith("!")
            line = line.removeprefix("!").strip()
            cleaned = "/".join(part for part in line.split("/") if part not in {"", "."})
            self.patterns.append((exception, _pattern_regex(cleaned)))

    def excludes(self, relative: str) -> bool:
        """Whether the file or directory at ``relative`` (to the context) is left out."""
        parts = Path(relative).parts
        candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        excluded = False
        for exception, regex in self.patterns:
            if exception != excluded:
                continue  # cannot change the outcome
            if any(regex.match(candidate) for candidate in candidates):
                excluded = not exception
        return excluded
