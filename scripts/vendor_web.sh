#!/usr/bin/env bash
# Vendor the dashboard's front-end packages, pinned by truceline/web/package.json + package-lock.json.
#
#   bash scripts/vendor_web.sh            # re-create truceline/web/static/vendor/ from the lock file
#   bash scripts/vendor_web.sh --update   # re-resolve package.json, rewrite package-lock.json, then vendor
#
# Installs into a temporary directory (npm ci --ignore-scripts: no install scripts run), copies
# exactly the files the dashboard loads plus each package's LICENSE, and writes vendor/VERSIONS.txt
# with each package's version and each file's sha256. Nothing else from node_modules is kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/truceline/web"
DEST="$WEB/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cp "$WEB/package.json" "$TMP/"
if [[ "${1:-}" == "--update" ]]; then
  (cd "$TMP" && npm install --ignore-scripts --no-audit --no-fund)
  cp "$TMP/package-lock.json" "$WEB/package-lock.json"
else
  cp "$WEB/package-lock.json" "$TMP/"
  (cd "$TMP" && npm ci --ignore-scripts --no-audit --no-fund)
fi

NM="$TMP/node_modules"
rm -rf "$DEST"
mkdir -p "$DEST"
# package  file-in-package  vendored-name
FILES=(
  "d3 dist/d3.min.js d3.min.js"
  "topojson-client dist/topojson-client.min.js topojson-client.min.js"
  "world-atlas countries-110m.json countries-110m.json"
)
: > "$DEST/VERSIONS.txt"
for entry in "${FILES[@]}"; do
  read -r pkg file name <<<"$entry"
  cp "$NM/$pkg/$file" "$DEST/$name"
  cp "$NM/$pkg/LICENSE" "$DEST/LICENSE-$pkg.txt"
  version="$(node -p "require('$NM/$pkg/package.json').version")"
  sum="$(sha256sum "$DEST/$name" | cut -d' ' -f1)"
  echo "$pkg $version $name sha256:$sum" >> "$DEST/VERSIONS.txt"
done
cat >> "$DEST/VERSIONS.txt" <<'NOTE'
# countries-110m.json: Natural Earth 1:110m admin-0 countries (public domain), as TopoJSON by world-atlas (ISC).
# Regenerate with: bash scripts/vendor_web.sh   (pinned by truceline/web/package-lock.json)
NOTE
echo "vendored into $DEST:"
cat "$DEST/VERSIONS.txt"
