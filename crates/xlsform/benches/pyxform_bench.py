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
here = Path(__file__).parent
suite = here.parent / "tests" / "conformance" / "realistic"
# The same forms, in the same order, as benches/convert.rs.
FORMS = [
    ("clm_hiv.md", here / "forms" / "clm_hiv.md"),
    ("clm_hiv.xlsx", here / "forms" / "clm_hiv.xlsx"),
    ("household.md", here / "forms" / "household.md"),
    ("household.xlsx", here / "forms" / "household.xlsx"),
    ("generated_680.md", here / "forms" / "generated_680.md"),
    ("generated_680.xlsx", here / "forms" / "generated_680.xlsx"),
    ("suite_clm_hiv.xlsx", suite / "clm_hiv_services_questionnaire.xlsx"),
    ("suite_clm_hiv.xls", suite / "clm_hiv_services_legacy.xls"),
    ("suite_household.xlsx", suite / "household_survey_with_nested_repeats.xlsx"),
    ("suite_bilingual.xlsx", suite / "bilingual_form_with_cascading_selects.xlsx"),
    ("suite_entities.xlsx", suite / "entities_participant_registration.xlsx"),
]
print(f"pyxform {pyxform_version}, runs={runs}")
print(f"{'form':<22} {'median':>10} {'min':>10} {'max':>10}")
for name, path in FORMS:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        convert(xlsform=str(path), warnings=[])
        times.append(time.perf_counter() - start)
    print(f"{name:<22} {statistics.median(times) * 1000:>7.3f} ms {min(times) * 1000:>7.3f} ms {max(times) * 1000:>7.3f} ms")
