#!/usr/bin/env bash
# Installs the Debian packages `npm test` drives, once: the interop tests run the real
# Keystone (under uwsgi), keystonemiddleware, keystoneauth1 and the openstack CLI against
# Baton, the auth-token cache tests need memcached, the bench harness wrk. Runs as npm's
# `pretest`, so the README's `npm test` works on a fresh Debian machine; does nothing when
# every package is installed. Needs root or passwordless sudo only when something is missing.
set -euo pipefail

# The one list of what the tests need from Debian (.ci/run installs through this script too).
APT_PACKAGES=(
  python3-keystone python3-keystonemiddleware python3-keystoneauth1 python3-openstackclient
  uwsgi-core uwsgi-plugin-python3 memcached wrk gettext-base curl
)

say() { echo "test prerequisites: $*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  say "this is not a Debian-based system (no dpkg-query); the interop tests need these packages or their equivalents: ${APT_PACKAGES[*]}"
  exit 1
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

say "installing ${missing[*]}: the interop tests drive the real Keystone, keystonemiddleware and openstack CLI, memcached and wrk"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  say "cannot install them: not root and no passwordless sudo. Install them once with:"
  say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update && "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }; then
  say "apt-get failed (see above); the tests cannot run without ${missing[*]}"
  exit 1
fi
