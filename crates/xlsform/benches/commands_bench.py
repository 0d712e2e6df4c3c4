"""Whole commands side by side: `kolo xlsform convert` against pyxform's
`xls2xform`, on the same files, start-up included.

    python benches/commands_bench.py KOLO_BINARY XLS2XFORM [runs]

Each run starts a fresh process, the two commands alternating (A B A B ...) so
that drift in the machine's speed touches both alike; medians in ms. Neither
writes where the other reads: each has its own output folder.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

kolo, xls2xform = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 11
here = Path(__file__).parent
suite = here.parent / "tests" / "conformance" / "realistic"
FORMS = [
    here / "forms" / "clm_hiv.xlsx",
    here / "forms" / "household.xlsx",
    here / "forms" / "generated_680.xlsx",
    suite / "bilingual_form_with_cascading_selects.xlsx",
    suite / "entities_participant_registration.xlsx",
]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


print(f"runs={runs}; medians of whole commands in ms")
print(f"{'form':<46} {'kolo':>8} {'xls2xform':>10} {'ratio':>7}")
with tempfile.TemporaryDirectory() as tmp:
    for form in FORMS:
        out_kolo = Path(tmp) / "kolo.xml"
        out_py = Path(tmp) / "pyxform.xml"
        a = [kolo, "xlsform", "convert", str(form), "-o", str(out_kolo)]
        b = [xls2xform, "--skip_validate", str(form), str(out_py)]
        timed(a), timed(b)  # warm the page cache
        ta, tb = [], []
        for _ in range(runs):
            ta.append(timed(a))
            tb.append(timed(b))
        ka, kb = statistics.median(ta) * 1000, statistics.median(tb) * 1000
        print(f"{form.name:<46} {ka:>8.2f} {kb:>10.1f} {kb / ka:>6.0f}x")
