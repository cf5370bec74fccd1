#!/usr/bin/env bash
# Prints the command that runs Godot 4 headless. Uses $GODOT or a `godot` on PATH
# when present; otherwise builds a Debian testing root with Godot in a cache folder
# outside the repository (reused by later runs on the same machine).
set -euo pipefail

if [ -n "${GODOT:-}" ]; then echo "$GODOT"; exit 0; fi
if command -v godot >/dev/null 2>&1; then command -v godot; exit 0; fi

cache="${SHP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/simple-hole-punch}"
root="$cache/godot-root"
suite="${SHP_GODOT_SUITE:-forky}"
launcher="$cache/godot"

if [ ! -x "$root/usr/bin/godot" ]; then
  mkdir -p "$cache"
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    echo "provision-godot: installing mmdebstrap" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap) >&2
  fi
  echo "provision-godot: building a Debian $suite root with Godot in $root (about a minute)" >&2
  rm -rf "$root.tmp"
  mmdebstrap --quiet --variant=apt --include=godot --mode=root \
    --aptopt='Acquire::Check-Valid-Until "false"' "$suite" "$root.tmp" >&2
  mv "$root.tmp" "$root"
fi

cat > "$launcher" <<SH
#!/bin/sh
exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu/pulseaudio" "$root/usr/bin/godot" "\$@"
SH
chmod +x "$launcher"
echo "$launcher"
