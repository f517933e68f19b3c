#!/bin/sh
# deps.sh - install the Debian packages kaeru needs to build and test, if missing.
# Called by "make" (and by "make fuzz" with clang as an argument: extra
# packages to want); safe to run again. Needs root (or sudo) only when something
# is missing.
set -e
need="meson ninja-build gcc pkg-config python3 libsqlite3-dev libpq-dev libidn2-dev zlib1g-dev postgresql valgrind $*"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kaeru: installing build dependencies:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
