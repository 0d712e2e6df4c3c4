#!/usr/bin/env bash
# Differential testing of the XLSForm compiler against pyxform, for CI.
#
# 1. A Python virtual environment with pyxform 4.5.0 (the reference
#    implementation, from PyPI) and lxml, under /var/tmp and reused when present.
# 2. Every conformance case and a stream of generated forms converted by both
#    compilers and compared as XForm structure (instance, binds, itext, body);
#    any difference not listed in known-deviations.txt fails the run.
# 3. ODK Validate (the JavaRosa validator inside the pyxform wheel, Java 17) on
#    every XForm Kolo wrote, a batch of forms per JVM.
#
# Environment: KOLO_PYXFORM_VENV (default /var/tmp/kolo-pyxform-4.5.0),
# KOLO_GENERATED_CASES (default 500), KOLO_DIFFERENTIAL_JOBS (default: nproc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
venv="${KOLO_PYXFORM_VENV:-/var/tmp/kolo-pyxform-4.5.0}"
python="$venv/bin/python"

if ! "$python" -c 'import importlib.metadata as m, lxml; assert m.version("pyxform") == "4.5.0"' 2>/dev/null; then
    echo "pyxform: creating $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$python" -m pip install --quiet --disable-pip-version-check pyxform==4.5.0 lxml
fi
command -v java >/dev/null || { echo "ci.sh: java (17) is needed for ODK Validate" >&2; exit 1; }

export KOLO_PYXFORM="$python"
export KOLO_GENERATED_CASES="${KOLO_GENERATED_CASES:-500}"
export KOLO_DIFFERENTIAL_JOBS="${KOLO_DIFFERENTIAL_JOBS:-$(nproc)}"
# Verdicts of ODK Validate are cached by the XForm's hash; a fresh cache per run
# keeps CI honest while a developer's reruns stay quick.
export KOLO_VALIDATE_CACHE="${KOLO_VALIDATE_CACHE:-$(mktemp -d /var/tmp/kolo-validate.XXXXXX)}"

cd "$repo"
# The Rust tests write every form and Kolo's XForm to a folder, then hand it
# to differential.py, which fails the test on an unexplained difference.
cargo test -p kolo-xlsform --test conformance --test generated -- --nocapture
