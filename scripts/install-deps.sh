#!/usr/bin/env bash
# Installs the Debian packages k8j's tests and runtime use. Idempotent and quiet:
# does nothing when everything is there already.
set -euo pipefail
packages=(etcd-server etcd-client containerd runc containernetworking-plugins iptables iproute2 busybox-static tmux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The end-to-end tests drive the real kubectl v1.32 at /usr/bin/kubectl, which Debian does not
# package (its kubernetes-client is 1.20): this kind of machine has it preinstalled. Say so plainly
# when it is missing instead of letting every kubectl test fail on its own.
kubectl_missing() {
  if [ ! -x /usr/bin/kubectl ]; then
    echo "install-deps: /usr/bin/kubectl (v1.32) is missing; the end-to-end tests need it" >&2
  fi
}
if [ ${#missing[@]} -eq 0 ]; then
  kubectl_missing
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's etcd-server package may start a system etcd on the default ports; tests start
# their own on free ports, so it is stopped when a service manager started it.
if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
  systemctl stop etcd || true
fi
kubectl_missing
