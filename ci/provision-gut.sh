#!/usr/bin/env bash
# Puts GUT 9.6.0 (Godot Unit Test, github.com/bitwes/Gut at commit 70263408b024) into the
# `addons/gut` folder of each Godot project named on the command line, for the Godot tests. GUT is
# not committed: its copy comes from ../shared/gut (the CI image's, beside the repository) when
# present (beside the main checkout, for a git worktree), else from a download of that commit kept in a cache folder outside the repository.
# Either way its files must hash to the pinned value below, so every run tests on the same GUT.
# Usage: bash ci/provision-gut.sh godot-addon [OTHER_PROJECT...]
set -euo pipefail
cd "$(dirname "$0")/.."

version="9.6.0"
commit="70263408b024"
# sha256 over `sha256sum` of every file of addons/gut but *.import, by path (see tree_hash).
pinned="fe7e32f00ac011da2f6e6e02670fc823666d4d17dc96a00eaee52f174dc66672"

# Hash of the addons/gut folder under $1 ("" when absent). *.import files are left out: Godot may
# rewrite them when it imports a project.
tree_hash() {
  [ -d "$1/addons/gut" ] || { echo ""; return; }
  (cd "$1" && find addons/gut -type f ! -name '*.import' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

source_root() {
  if [ -n "${SHP_GUT:-}" ]; then echo "$SHP_GUT"; return; fi
  if [ -d ../shared/gut/addons/gut ]; then (cd ../shared/gut && pwd); return; fi
  # A git worktree elsewhere: ../shared beside the main checkout.
  local main
  main="$(cd "$(git rev-parse --git-common-dir 2>/dev/null || echo .git)/.." 2>/dev/null && pwd || true)"
  if [ -n "$main" ] && [ -d "$main/../shared/gut/addons/gut" ]; then (cd "$main/../shared/gut" && pwd); return; fi
  local cache="${SHP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/simple-hole-punch}/gut-$version"
  if [ "$(tree_hash "$cache")" != "$pinned" ]; then
    echo "provision-gut: ../shared/gut is absent; fetching GUT $version (bitwes/Gut at $commit) from github.com" >&2
    local url="https://github.com/bitwes/Gut/archive/$commit.tar.gz"
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
    if ! curl -fsSL --retry 2 "$url" | tar -xz -C "$cache.tmp" --wildcards --strip-components=1 '*/addons/gut'; then
      rm -rf "$cache.tmp"
      echo "provision-gut: FAILED to download $url (no network access to github.com here?)." >&2
      echo "provision-gut: the Godot tests need GUT $version: put its addons/gut folder at ../shared/gut/addons/gut, or set SHP_GUT to a folder holding addons/gut." >&2
      exit 1
    fi
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  fi
  echo "$cache"
}

src="$(source_root)"
got="$(tree_hash "$src")"
if [ "$got" != "$pinned" ]; then
  echo "provision-gut: $src/addons/gut is not GUT $version at $commit (its files hash to ${got:-nothing: no such folder}, expected $pinned)" >&2
  exit 1
fi
# Keep a copy in the cache too, so that a checkout elsewhere on this machine finds it offline.
cache="${SHP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/simple-hole-punch}/gut-$version"
if [ "$src" != "$cache" ] && [ "$(tree_hash "$cache")" != "$pinned" ]; then
  rm -rf "$cache" && mkdir -p "$cache/addons" && cp -R "$src/addons/gut" "$cache/addons/gut"
fi
for project in "$@"; do
  if [ "$(tree_hash "$project")" != "$pinned" ]; then
    rm -rf "$project/addons/gut"
    mkdir -p "$project/addons"
    cp -R "$src/addons/gut" "$project/addons/gut"
  fi
done
echo "provision-gut: GUT $version in ${*:-no project}" >&2
