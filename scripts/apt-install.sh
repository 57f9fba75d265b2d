#!/usr/bin/env bash
# Install Debian packages with no service allowed to start: while apt runs, /usr/sbin/policy-rc.d exits
# 101, so invoke-rc.d and deb-systemd-invoke refuse every start. If the file was missing it is created
# and removed afterwards; if it existed and allowed starts it is set aside and put back.
# Usage (root): scripts/apt-install.sh PACKAGE...
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "scripts/apt-install.sh: must run as root" >&2; exit 1; fi
if [ "$#" = 0 ]; then echo "usage: scripts/apt-install.sh PACKAGE..." >&2; exit 2; fi

POLICY=/usr/sbin/policy-rc.d
BACKUP="$POLICY.camsweep-saved"
created=0
saved=0
restore() {
  if [ "$created" = 1 ]; then rm -f "$POLICY"; fi
  if [ "$saved" = 1 ]; then mv -f "$BACKUP" "$POLICY"; fi
}
trap restore EXIT
DENY=$'#!/bin/sh\n# camsweep scripts/apt-install.sh: no service may start during this package install\nexit 101\n'
if [ ! -e "$POLICY" ]; then
  printf '%s' "$DENY" > "$POLICY"; chmod 755 "$POLICY"; created=1
else
  rc=0; sh "$POLICY" camsweep start >/dev/null 2>&1 || rc=$?
  if [ "$rc" != 101 ]; then   # present but allows starts: set it aside for the install
    cp -p "$POLICY" "$BACKUP"; saved=1
    printf '%s' "$DENY" > "$POLICY"; chmod 755 "$POLICY"
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" </dev/null
