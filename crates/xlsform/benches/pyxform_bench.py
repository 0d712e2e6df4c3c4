"""pyxform's in-process convert() on the benchmark forms, medians in ms.

    python benches/pyxform_bench.py [runs]

Run from crates/xlsform with a Python that has pyxform installed. Validation is
off, as in Kolo's own benchmark (which never runs ODK Validate).
"""

import statistics
import sys
import time
from pathlib import Path

from pyxform import __version__ as pyxform_version
from pyxform.xls2xform import convert

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
forms = Path(__file__).parent / "forms"
print(f"pyxform {pyxform_version}, runs={runs}")
print(f"{'form':<20} {'median':>10} {'min':>10} {'max':>10}")
for name in ["clm_hiv.md", "clm_hiv.xlsx", "household.md", "household.xlsx",
             "generated_680.md", "generated_680.xlsx"]:
    path = forms / name
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        convert(xlsform=str(path), warnings=[])
        times.append(time.perf_counter() - start)
    print(f"{name:<20} {statistics.median(times) * 1000:>7.3f} ms {min(times) * 1000:>7.3f} ms {max(times) * 1000:>7.3f} ms")
