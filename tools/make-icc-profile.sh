#!/usr/bin/env bash
# Rebuild layouts/print/FOGRA39L.icc, the CMYK output intent of the print PDF.
#
# Why build it: Debian ships no FOGRA39 *profile* (its CMYK .icc files are
# Ghostscript's SWOP default_cmyk.icc, AGPL), and none is on PyPI or npm. It does
# ship FOGRA's characterisation data for that condition: icc-profiles-free's
# /usr/share/color/icc/FOGRA39L.ti3 (Zlib licence). ArgyllCMS's colprof turns it
# into an ICC v2 output profile:
#   -qm      medium quality tables (≈ 250 kB; -qh adds size, not visible accuracy)
#   -l330    total ink limit 330 %, the FOGRA39 / ISO 12647-2 coated-paper limit
#   -kr      black generation: linear K ramp (not ECI's ISO Coated v2 curve)
#   -M/-D/-C model "FOGRA39" (WeasyPrint names the output intent after it),
#            description "FOGRA39L", a copyright line pointing at the README.
# The result differs from the committed file only in its header date.
# Needs: apt-get install argyll icc-profiles-free. Takes about 15 s.
set -euo pipefail
command -v colprof >/dev/null || { echo "colprof missing: apt-get install argyll" >&2; exit 1; }
ti3=/usr/share/color/icc/FOGRA39L.ti3
[ -r "$ti3" ] || { echo "$ti3 missing: apt-get install icc-profiles-free" >&2; exit 1; }
out=$(cd "$(dirname "$0")/../layouts/print" && pwd)/FOGRA39L.icc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ti3" "$work/"
(cd "$work" && colprof -qm -l330 -kr -M FOGRA39 -D "FOGRA39L" \
  -C "Built with ArgyllCMS colprof from FOGRA39L.ti3 (icc-profiles-free, Zlib licence); see FOGRA39L.README.md" \
  FOGRA39L)
# Replace atomically: a build running meanwhile sees the old or the new profile, never half of one.
install -m 644 "$work/FOGRA39L.icc" "$out.tmp"
mv -f "$out.tmp" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
