#!/bin/sh
# Install the named Debian packages when any of them is missing, or say clearly why we can't.
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "Installing system packages:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "ERROR: the system packages$missing are missing and this user cannot install them." >&2
    echo "       Ask an administrator to run: apt-get install$missing" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null; then
    echo "ERROR: apt-get not found; install$missing with this system's package manager." >&2
    exit 1
fi
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq$missing >/dev/null || {
    echo "ERROR: could not install$missing with apt-get (see the messages above)." >&2
    exit 1
}
