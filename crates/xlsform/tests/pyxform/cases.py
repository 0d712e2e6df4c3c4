"""Reads Kolo's XLSForm conformance cases (the format is described in
tests/conformance/README.md) and evaluates their expectations on an XForm.

The Rust harness (tests/conformance.rs) reads the same files; this module
exists so the cases can be checked against pyxform, the reference
implementation, and so the differential script shares one parser.
"""

from __future__ import annotations

import dataclasses
import math
import pathlib
import re

CONFORMANCE_DIR = pathlib.Path(__file__).resolve().parent.parent / "conformance"
LISTS_DIR = pathlib.Path(__file__).resolve().parent

NAMESPACES = {
    "h": "http://www.w3.org/1999/xhtml",
    "xf": "http://www.w3.org/2002/xforms",
    "jr": "http://openrosa.org/javarosa",
    "odk": "http://www.opendatakit.org/xforms",
    "orx": "http://openrosa.org/xforms",
    "ev": "http://www.w3.org/2001/xml-events",
    "xsd": "http://www.w3.org/2001/XMLSchema",
    "entities": "http://www.opendatakit.org/xforms/entities",
}

# Shorthands usable in `xpath:` lines; the Rust harness expands the same ones.
MACROS = [
    ("$model", "/h:html/h:head/xf:model"),
    ("$inst", "/h:html/h:head/xf:model/xf:instance[1]/*"),
    ("$bind", "/h:html/h:head/xf:model/xf:bind"),
    ("$itext", "/h:html/h:head/xf:model/xf:itext"),
    ("$body", "/h:html/h:body"),
    ("$title", "/h:html/h:head/h:title"),
]

KEYWORDS = (
    "xpath",
    "error",
    "warning",
    "warnings",
    "at",
    "form_id",
    "title",
    "version",
    "attachment",
    "itemsets",
    "no-itemsets",
    "file",
)

CASE_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclasses.dataclass
class Expectation:
    kind: str
    value: str
    line: int
    at: str | None = None


@dataclasses.dataclass
class Case:
    name: str
    area: str
    path: pathlib.Path
    line: int
    form_lines: list[str] = dataclasses.field(default_factory=list)
    file: str | None = None
    expectations: list[Expectation] = dataclasses.field(default_factory=list)

    @property
    def form(self) -> str:
        return "\n".join(self.form_lines) + "\n"

    @property
    def expects_error(self) -> bool:
        return any(e.kind == "error" for e in self.expectations)


class CaseFileError(Exception):
    pass


def expand_macros(expr: str) -> str:
    for short, full in MACROS:
        expr = expr.replace(short, full)
    return expr


def parse_file(path: pathlib.Path) -> list[Case]:
    area = path.relative_to(CONFORMANCE_DIR).with_suffix("").as_posix()
    cases: list[Case] = []
    current: Case | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path}:{number}"
        if line.startswith("## "):
            name = line[3:].strip()
            if not CASE_NAME.match(name):
                raise CaseFileError(f"{where}: case name {name!r} must be snake_case")
            current = Case(name=name, area=area, path=path, line=number)
            cases.append(current)
            continue
        if current is None or not line or line.startswith("#") or line.startswith(">"):
            continue
        if line.startswith("|"):
            current.form_lines.append(line)
            continue
        keyword, sep, value = line.partition(":")
        keyword = keyword.strip()
        if keyword == "no-itemsets" and not sep:
            current.expectations.append(Expectation("no-itemsets", "", number))
            continue
        if not sep or keyword not in KEYWORDS:
            raise CaseFileError(f"{where}: unknown line {line!r}")
        value = value.strip()
        if keyword == "at":
            previous = current.expectations[-1] if current.expectations else None
            if previous is None or previous.kind not in ("error", "warning"):
                raise CaseFileError(f"{where}: `at:` must follow an error or warning line")
            previous.at = value
        elif keyword == "file":
            current.file = value
        else:
            current.expectations.append(Expectation(keyword, value, number))
    for case in cases:
        if not case.expectations:
            raise CaseFileError(f"{case.path}:{case.line}: case {case.name} expects nothing")
        if not case.form_lines and case.file is None:
            raise CaseFileError(f"{case.path}:{case.line}: case {case.name} has no form")
    return cases


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CONFORMANCE_DIR.rglob("*.md")):
        if path.name == "README.md" or path.name == "NEEDS.md":
            continue
        cases.extend(parse_file(path))
    seen: dict[str, Case] = {}
    for case in cases:
        if case.name in seen:
            raise CaseFileError(
                f"case name {case.name} appears in {seen[case.name].path} and {case.path}"
            )
        seen[case.name] = case
    return cases


def load_list(name: str) -> dict[str, str]:
    """Reads known-deviations.txt or not-yet-implemented.txt: `case: reason` lines."""
    entries: dict[str, str] = {}
    path = LISTS_DIR / name
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        case, _, reason = line.partition(":")
        entries[case.strip()] = reason.strip()
    return entries


def xpath_truth(tree, expr: str) -> tuple[bool, str]:
    """Evaluates an `xpath:` expectation; returns (holds, what it evaluated to)."""
    value = tree.xpath(expand_macros(expr), namespaces=NAMESPACES)
    if isinstance(value, bool):
        return value, str(value).lower()
    if isinstance(value, float):
        return (value != 0 and not math.isnan(value)), repr(value)
    if isinstance(value, str):
        return bool(value), repr(value)
    return len(value) > 0, f"{len(value)} node(s)"
