#!/usr/bin/env bash
# Rebuild layouts/print/FOGRA39L.icc, the CMYK output intent of the print PDF.
# Source: Debian's icc-profiles-free ships the FOGRA39L characterisation data
# (/usr/share/color/icc/FOGRA39L.ti3, Zlib licence); Argyll's colprof turns it
# into an ICC profile whose description is "FOGRA39L" and model "FOGRA39".
# Needs: apt-get install argyll icc-profiles-free. Takes about 15 s.
set -euo pipefail
out=$(cd "$(dirname "$0")/../layouts/print" && pwd)/FOGRA39L.icc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/"
(cd "$work" && colprof -qm -l330 -kr -M FOGRA39 -D "FOGRA39L" FOGRA39L)
mv "$work/FOGRA39L.icc" "$out"
echo "wrote $out"
