#!/usr/bin/env bash
# Prints the command that runs Godot 4 with a window under a virtual X server (for screenshots):
# `xvfb-run` from Debian (installed when missing) and a Debian root of its own with Godot and
# Mesa's software renderer, beside the headless root of provision-godot.sh (so building it never
# disturbs a running headless Godot). Run the printed command with Godot's usual arguments.
set -euo pipefail

cache="${SHP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/simple-hole-punch}"
root="$cache/godot-render-root"
suite="${SHP_GODOT_SUITE:-forky}"
launcher="$cache/godot-render"

if ! command -v xvfb-run >/dev/null 2>&1 || ! command -v xauth >/dev/null 2>&1; then
  echo "provision-render: installing xvfb and xauth" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth) >&2
fi
if [ ! -x "$root/usr/bin/godot" ]; then
  mkdir -p "$cache"
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap) >&2
  fi
  echo "provision-render: building a Debian $suite root with Godot and Mesa in $root (about a minute)" >&2
  rm -rf "$root.tmp"
  mmdebstrap --quiet --variant=apt --include=godot,libgl1,libglx-mesa0,libgl1-mesa-dri,libegl1,libegl-mesa0 --mode=root \
    --aptopt='Acquire::Check-Valid-Until "false"' "$suite" "$root.tmp" >&2
  mv "$root.tmp" "$root"
fi

lib="$root/usr/lib/x86_64-linux-gnu"
cat > "$launcher" <<SH
#!/bin/sh
export LIBGL_DRIVERS_PATH="$lib/dri" __EGL_VENDOR_LIBRARY_DIRS="$root/usr/share/glvnd/egl_vendor.d" LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1280x720x24" "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$lib:$lib/pulseaudio" "$root/usr/bin/godot" --rendering-driver opengl3 --audio-driver Dummy "\$@"
SH
chmod +x "$launcher"
echo "$launcher"
