#!/usr/bin/env bash
# Prints the Debian packages owning the shared libraries a binary loads, one per line, so a
# slim runtime image can install exactly those. Library paths differ from what dpkg recorded
# (merged /usr, alternatives symlinks), hence the three attempts per file.
set -euo pipefail
bin=${1:?usage: runtime-packages.sh BINARY}
for f in $(ldd "$bin" | awk '/=> \// {print $3}'); do
  dpkg -S "$f" 2>/dev/null || dpkg -S "/usr$f" 2>/dev/null || dpkg -S "$(realpath "$f")"
done | cut -d: -f1 | sort -u
