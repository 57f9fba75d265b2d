#!/usr/bin/env bash
# Installs the Debian packages the namespace lab (npm run test:lab) needs. Idempotent; root; no TTY.
#
# Safety: the peer daemons (avahi-daemon, miniupnpd, minissdpd, wsdd) must never start on this
# machine's real interfaces. During the install /usr/sbin/policy-rc.d exits 101, so invoke-rc.d and
# deb-systemd-invoke refuse to start any service. If the file was missing we create it and remove it
# afterwards; if it existed with other content we set it aside and put it back.
set -euo pipefail

PKGS=(iproute2 avahi-daemon avahi-utils dbus miniupnpd wsdd nmap iptables tcpdump procps util-linux time openssl)

if [ "$(id -u)" != 0 ]; then
  echo "test/lab/setup.sh: must run as root" >&2
  exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "lab setup: all packages present (${PKGS[*]})"
  exit 0
fi
echo "lab setup: installing ${missing[*]}"

POLICY=/usr/sbin/policy-rc.d
BACKUP="$POLICY.camsweep-saved"
created=0
saved=0
restore() {
  if [ "$created" = 1 ]; then rm -f "$POLICY"; fi
  if [ "$saved" = 1 ]; then mv -f "$BACKUP" "$POLICY"; fi
}
trap restore EXIT
DENY=$'#!/bin/sh\n# camsweep test/lab/setup.sh: no service may start during the lab package install\nexit 101\n'
if [ ! -e "$POLICY" ]; then
  printf '%s' "$DENY" > "$POLICY"; chmod 755 "$POLICY"; created=1
else
  rc=0; sh "$POLICY" camsweep-lab start >/dev/null 2>&1 || rc=$?
  if [ "$rc" != 101 ]; then   # present but allows starts: set it aside for the install
    cp -p "$POLICY" "$BACKUP"; saved=1
    printf '%s' "$DENY" > "$POLICY"; chmod 755 "$POLICY"
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null

# Belt and braces: nothing the install brought may be running in this script's (the host) namespace.
for d in avahi-daemon miniupnpd minissdpd wsdd; do
  for pid in $(pgrep -x "$d" 2>/dev/null || true); do
    if [ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/$$/ns/net)" ]; then
      echo "lab setup: $d (pid $pid) was started in the host namespace; stopping it" >&2
      kill "$pid" || true
    fi
  done
done
echo "lab setup: done"
