#!/usr/bin/env python3
"""Brings not-yet-implemented.txt in line with the compiler after a change to it.

Reads the output of `cargo test -p kolo-xlsform --test conformance -- --nocapture`
(a file, or standard input): every `NOW PASSES` case leaves the list; with `--add`,
every unexpected `FAIL` joins it with the first thing it missed as the reason.
Adding is for new cases only: a case that used to pass and now fails is a regression
to fix, not to list.

    cargo test -p kolo-xlsform --test conformance -- --nocapture > out.txt
    python3 crates/xlsform/tests/pyxform/update_pending.py out.txt [--add]
"""

from __future__ import annotations

import pathlib
import re
import sys

LIST = pathlib.Path(__file__).resolve().parent / "not-yet-implemented.txt"


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--add"]
    add = "--add" in sys.argv[1:]
    text = pathlib.Path(args[0]).read_text() if args else sys.stdin.read()
    lines = text.splitlines()
    passing = {m.group(1) for l in lines if (m := re.match(r"^NOW PASSES (\S+):", l))}
    failing: dict[str, str] = {}
    for index, line in enumerate(lines):
        m = re.match(r"^FAIL (\S+) \(", line)
        if m and index + 1 < len(lines):
            reason = re.sub(r"^line \d+: ", "", lines[index + 1].strip())
            reason = reason.replace(
                "the form converted, an error was expected",
                "converts, but the case expects an error",
            )
            failing[m.group(1)] = reason[:220]
    kept = [
        l
        for l in LIST.read_text(encoding="utf-8").splitlines()
        if l.split(":", 1)[0].strip() not in passing
    ]
    if add:
        kept += [f"{name}: {reason}" for name, reason in failing.items()]
    LIST.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"removed {len(passing)}, added {len(failing) if add else 0}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
