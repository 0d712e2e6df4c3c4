"""Compares two XForms as structure and runs ODK Validate on XForms.

An XForm is reduced to sections of lines (head, instance, binds, itext, body,
other model children). Attribute order is ignored, whitespace is normalised,
and expressions are compared token by token, so that pyxform's habit of
padding `${name}` references with spaces does not count as a difference.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import hashlib
import json
import os
import pathlib
import re
import subprocess
import tempfile

from lxml import etree

import cases as case_files

NS_PREFIX = {uri: prefix for prefix, uri in case_files.NAMESPACES.items()}
NAME_CHARS = re.compile(r"[A-Za-z0-9_.\-:]")


def qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = NS_PREFIX.get(uri, uri)
        return local if prefix == "xf" else f"{prefix}:{local}"
    return tag


def normalise_expression(value: str) -> str:
    """Collapses whitespace outside string literals unless it separates names."""
    out: list[str] = []
    quote = None
    pending_space = False
    for char in value:
        if quote:
            out.append(char)
            if char == quote:
                quote = None
            continue
        if char.isspace():
            pending_space = True
            continue
        if pending_space and out and NAME_CHARS.match(out[-1]) and NAME_CHARS.match(char):
            out.append(" ")
        pending_space = False
        out.append(char)
        if char in "'\"":
            quote = char
    return "".join(out)


def text_of(node) -> str:
    return " ".join((node.text or "").split())


def attributes(node) -> str:
    items = sorted((qname(k), normalise_expression(v)) for k, v in node.attrib.items())
    return " ".join(f'{k}="{v}"' for k, v in items)


def element_lines(node, depth: int, lines: list[str]) -> None:
    """Document-order lines of an element and its descendants, mixed content kept."""
    line = "  " * depth + qname(node.tag)
    attrs = attributes(node)
    if attrs:
        line += " " + attrs
    text = text_of(node)
    if text:
        line += f" = {text!r}"
    lines.append(line)
    for child in node:
        if isinstance(child.tag, str):
            element_lines(child, depth + 1, lines)
        tail = " ".join((child.tail or "").split())
        if tail:
            lines.append("  " * (depth + 1) + f"(text) {tail!r}")


def structure(xml: str) -> dict[str, list[str]]:
    tree = etree.fromstring(xml.encode("utf-8"))
    ns = case_files.NAMESPACES
    sections: dict[str, list[str]] = {
        "head": [],
        "instance": [],
        "binds": [],
        "itext": [],
        "body": [],
        "model": [],
    }
    for title in tree.xpath("/h:html/h:head/h:title", namespaces=ns):
        sections["head"].append(f"title = {text_of(title)!r}")
    models = tree.xpath("/h:html/h:head/xf:model", namespaces=ns)
    if not models:
        sections["head"].append("(no model)")
        return sections
    model = models[0]
    sections["head"].append(f"model {attributes(model)}")
    binds: list[str] = []
    for child in model:
        if not isinstance(child.tag, str):
            continue
        name = qname(child.tag)
        if name == "instance":
            element_lines(child, 0, sections["instance"])
        elif name == "bind":
            binds.append(f"bind {attributes(child)}")
        elif name == "itext":
            for translation in child:
                if not isinstance(translation.tag, str):
                    continue
                lang = translation.get("lang")
                default = translation.get("default")
                sections["itext"].append(f"translation {lang!r} default={default!r}")
                texts = []
                for text in translation:
                    if not isinstance(text.tag, str):
                        continue
                    lines: list[str] = []
                    for value in text:
                        if isinstance(value.tag, str):
                            element_lines(value, 2, lines)
                    texts.append((text.get("id") or "", lines))
                for text_id, lines in sorted(texts):
                    sections["itext"].append(f"  text {text_id!r}")
                    sections["itext"].extend(lines)
        else:
            element_lines(child, 0, sections["model"])
    sections["binds"] = sorted(binds)
    for body in tree.xpath("/h:html/h:body", namespaces=ns):
        element_lines(body, 0, sections["body"])
    return sections


def differences(kolo_xml: str, pyxform_xml: str) -> list[str]:
    """Unified diffs, one per section that differs (pyxform is `-`, Kolo is `+`)."""
    kolo = structure(kolo_xml)
    reference = structure(pyxform_xml)
    found: list[str] = []
    for section in reference:
        if kolo[section] != reference[section]:
            diff = difflib.unified_diff(
                reference[section], kolo[section], "pyxform", "kolo", n=1, lineterm=""
            )
            found.append(f"[{section}]\n" + "\n".join(list(diff)[2:]))
    return found


def odk_validate_jar() -> pathlib.Path:
    import pyxform

    return (
        pathlib.Path(pyxform.__file__).parent
        / "validators"
        / "odk_validate"
        / "bin"
        / "ODK_Validate.jar"
    )


def validate_cache_dir() -> pathlib.Path:
    path = pathlib.Path(
        os.environ.get("KOLO_VALIDATE_CACHE", pathlib.Path(tempfile.gettempdir()) / "kolo-odk-validate-cache")
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def _digest(xml: str, jar: pathlib.Path) -> str:
    return hashlib.sha256(xml.encode("utf-8") + str(jar.stat().st_size).encode()).hexdigest()


def odk_validate(xml: str) -> tuple[bool, str]:
    """Runs the JavaRosa validator on one XForm (see `odk_validate_many`)."""
    return odk_validate_many([xml])[0]


def odk_validate_many(xmls: list[str], jobs: int = 2) -> list[tuple[bool, str]]:
    """Runs the JavaRosa validator on many XForms: one JVM checks a batch of files
    (starting a JVM per form costs about a second), `jobs` batches at once.
    Verdicts are cached by the XForm's hash."""
    jar = odk_validate_jar()
    cache = validate_cache_dir()
    digests = [_digest(xml, jar) for xml in xmls]
    verdicts: dict[str, tuple[bool, str]] = {}
    todo: dict[str, str] = {}
    for digest, xml in zip(digests, xmls):
        cached = cache / f"{digest}.json"
        if cached.exists():
            data = json.loads(cached.read_text())
            verdicts[digest] = (data["valid"], data["output"])
        else:
            todo[digest] = xml
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for digest, xml in todo.items():
            path = pathlib.Path(tmp) / f"{digest}.xml"
            path.write_text(xml, encoding="utf-8")
            files.append(path)
        # As many batches as jobs, at most 400 forms each.
        batch = max(1, min(400, -(-len(files) // max(1, jobs))))
        chunks = [files[i : i + batch] for i in range(0, len(files), batch)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for found in pool.map(lambda chunk: _validate_batch(jar, chunk), chunks):
                for digest, verdict in found.items():
                    verdicts[digest] = verdict
                    (cache / f"{digest}.json").write_text(
                        json.dumps({"valid": verdict[0], "output": verdict[1]})
                    )
    return [verdicts[d] for d in digests]


def _validate_batch(jar: pathlib.Path, files: list[pathlib.Path]) -> dict[str, tuple[bool, str]]:
    """One JVM for a batch. ODK Validate prints `Validating: PATH` before each
    form's messages and lists the files that failed at the end."""
    run = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(jar), *map(str, files)],
        stdout=subprocess.PIPE,
        # One stream, so that each form's errors follow its `Validating:` line.
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    output = run.stdout
    sections: dict[str, list[str]] = {}
    failed: set[str] = set()
    current = None
    in_failed_list = False
    for line in output.splitlines():
        if line.startswith("Validating: "):
            current = line[len("Validating: ") :].strip()
            sections[current] = []
            in_failed_list = False
        elif line.startswith("The following files failed validation"):
            in_failed_list = True
        elif in_failed_list and line.strip() and not line.startswith("Result:"):
            failed.add(line.strip())
        elif current is not None and not in_failed_list:
            sections[current].append(line)
    result = {}
    for path in files:
        text = "\n".join(sections.get(str(path), [])).strip()
        if str(path) not in sections:
            # The JVM died before reaching this form: report what it said.
            result[path.stem] = (False, output.strip()[-2000:])
        else:
            valid = str(path) not in failed and "Xform is valid" in text
            result[path.stem] = (valid, text)
    return result


def form_file(folder: pathlib.Path) -> pathlib.Path | None:
    for name in ("data.md", "data.xlsx", "data.xls", "data.csv"):
        if (folder / name).exists():
            return folder / name
    return None


def compare_folder(folder: pathlib.Path, convert, validate: bool) -> dict:
    """One form: both conversions, the differences, and ODK Validate's verdict."""
    source = form_file(folder)
    result = {"form": folder.name, "differences": [], "validate": None, "outcome": "same"}
    if source is None:
        result["outcome"] = "no form file"
        return result
    xform, error, _warnings, itemsets = convert(source)
    kolo_xml_path = folder / "kolo.xml"
    kolo_error_path = folder / "kolo-error.txt"
    kolo_xml = kolo_xml_path.read_text(encoding="utf-8") if kolo_xml_path.exists() else None
    kolo_error = kolo_error_path.read_text(encoding="utf-8") if kolo_error_path.exists() else None
    if kolo_xml is None and error is not None:
        result["outcome"] = "both reject"
        result["pyxform_error"] = error
        result["kolo_error"] = kolo_error
        return result
    if kolo_xml is None:
        result["outcome"] = "only kolo rejects"
        result["kolo_error"] = kolo_error
        result["differences"].append(f"Kolo rejects a form pyxform accepts: {kolo_error}")
        return result
    if error is not None:
        result["outcome"] = "only pyxform rejects"
        result["differences"].append(f"Kolo accepts a form pyxform rejects: {error}")
    else:
        try:
            result["differences"] = differences(kolo_xml, xform)
        except etree.XMLSyntaxError as syntax:
            result["differences"] = [f"Kolo's XForm is not well-formed XML: {syntax}"]
        if result["differences"]:
            result["outcome"] = "structure differs"
        kolo_itemsets_path = folder / "kolo-itemsets.csv"
        kolo_itemsets = (
            kolo_itemsets_path.read_text(encoding="utf-8") if kolo_itemsets_path.exists() else None
        )
        if normalise_csv(kolo_itemsets) != normalise_csv(itemsets):
            result["outcome"] = "structure differs"
            result["differences"].append(
                f"[itemsets]\npyxform: {itemsets!r}\nkolo: {kolo_itemsets!r}"
            )
    if validate:
        valid, output = odk_validate(kolo_xml)
        result["validate"] = "valid" if valid else output
    return result


def normalise_csv(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [line.strip() for line in text.strip().splitlines()]


def command_compare(args, convert) -> int:
    deviations = case_files.load_list("known-deviations.txt")
    pending = case_files.load_list("not-yet-implemented.txt")
    folders = sorted(p for p in args.dir.iterdir() if p.is_dir())
    workers = int(os.environ.get("KOLO_DIFFERENTIAL_JOBS", "2"))
    results: list[dict] = []
    # pyxform runs in this process; only ODK Validate (a JVM per form) runs in parallel.
    for folder in folders:
        results.append(compare_folder(folder, convert, validate=False))
    if args.validate:
        todo = [
            (result, (args.dir / result["form"] / "kolo.xml").read_text(encoding="utf-8"))
            for result in results
            if (args.dir / result["form"] / "kolo.xml").exists()
        ]
        verdicts = odk_validate_many([xml for _result, xml in todo], jobs=workers)
        for (result, _xml), (valid, output) in zip(todo, verdicts):
            result["validate"] = "valid" if valid else output
    unexplained = []
    for result in results:
        form = result["form"]
        bad_validate = result["validate"] not in (None, "valid")
        # A known deviation excuses differing from pyxform, never an XForm that
        # Collect's engine refuses; only an unfinished case excuses that.
        if result["differences"] and not (form in deviations or form in pending):
            unexplained.append(result)
        elif bad_validate and form not in pending:
            unexplained.append(result)
    # A known deviation that no longer differs must leave the list, as the Rust
    # harness demands of not-yet-implemented.txt.
    stale = [
        r["form"]
        for r in results
        if r["form"] in deviations
        and r["form"] not in pending
        and not r["differences"]
        and r["validate"] in (None, "valid")
        and r["outcome"] in ("same", "both reject")
    ]
    write_report(results, deviations, pending, args.report)
    summary = summarise(results)
    for result in unexplained:
        print(f"DIFFERS {result['form']}: {result['outcome']}")
        for difference in result["differences"]:
            print("    " + difference.replace("\n", "\n    "))
        if result["validate"] not in (None, "valid"):
            print("    ODK Validate: " + result["validate"].replace("\n", "\n    ")[:2000])
    for name in stale:
        print(f"STALE {name}: listed in known-deviations.txt, but Kolo and pyxform now agree")
    print(summary)
    print(f"{len(results) - len(unexplained)} passed, {len(unexplained)} failed")
    return 1 if unexplained or stale else 0


def summarise(results: list[dict]) -> str:
    outcomes: dict[str, int] = {}
    for result in results:
        outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
    validated = [r for r in results if r["validate"] is not None]
    valid = sum(1 for r in validated if r["validate"] == "valid")
    parts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    return (
        f"{len(results)} forms compared with pyxform: {parts}; "
        f"ODK Validate accepted {valid} of {len(validated)} Kolo XForms"
    )


def write_report(results, deviations, pending, path: pathlib.Path | None) -> None:
    if path is None:
        return
    lines = [
        "# Differences between Kolo and pyxform",
        "",
        "Written by `differential.py compare`; pyxform lines start with `-`, Kolo's with `+`.",
        "",
        summarise(results),
        "",
    ]
    for result in results:
        if not result["differences"] and result["validate"] in (None, "valid"):
            continue
        status = (
            "known deviation: " + deviations[result["form"]]
            if result["form"] in deviations
            else "not yet implemented: " + pending[result["form"]]
            if result["form"] in pending
            else "UNEXPLAINED"
        )
        lines.append(f"## {result['form']} ({result['outcome']}; {status})")
        lines.append("")
        lines.append("```")
        for difference in result["differences"]:
            lines.append(difference)
        if result["validate"] not in (None, "valid"):
            lines.append("ODK Validate: " + result["validate"][:1500])
        lines.append("```")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
