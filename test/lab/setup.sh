#!/usr/bin/env bash
# Installs the Debian packages the namespace lab (npm run test:lab) needs. Idempotent; root; no TTY.
#
# Safety: the peer daemons (avahi-daemon, miniupnpd, minissdpd, wsdd) must never start on this
# machine's real interfaces. The install goes through scripts/apt-install.sh, during which
# /usr/sbin/policy-rc.d exits 101, so invoke-rc.d and deb-systemd-invoke refuse to start any service.
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

# policy-rc.d exits 101 for the install: scripts/apt-install.sh.
bash "$(dirname "$0")/../../scripts/apt-install.sh" "${missing[@]}"

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
