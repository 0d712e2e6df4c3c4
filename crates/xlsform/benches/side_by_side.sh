#!/usr/bin/env bash
# Kolo against pyxform on the same forms, in one run: both in-process
# (Kolo's crate, pyxform's convert()) and as whole commands (`kolo xlsform
# convert`, `xls2xform`). Needs a release build of kolo and a Python with
# pyxform 4.5.0 (tests/pyxform/ci.sh makes one).
#
#   bash crates/xlsform/benches/side_by_side.sh [PYTHON]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
python="${1:-/var/tmp/kolo-pyxform-4.5.0/bin/python}"
target="${CARGO_TARGET_DIR:-$repo/target}"

cd "$repo"
cargo build --release -p kolo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "== Kolo in-process (cargo bench -p kolo-xlsform)"
cargo bench -p kolo-xlsform --bench convert 2>/dev/null
echo "== pyxform in-process (convert())"
"$python" "$here/pyxform_bench.py" 21
echo "== whole commands"
"$python" "$here/commands_bench.py" "$target/release/kolo" "$(dirname "$python")/xls2xform" 21
