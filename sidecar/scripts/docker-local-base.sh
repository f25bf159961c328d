#!/usr/bin/env bash
# Builds a stand-in for the Dockerfile's base image (node:20-bookworm-slim) where the image registry cannot be
# reached, so the real Dockerfile can still be built and run offline: a Debian bookworm minbase rootfs
# (debootstrap, Debian's own package mirror) plus this machine's Node 20 (binary, npm, headers) laid out as the
# official image lays them out (/usr/local, a `node` user with uid 1000), imported under the same name and tag.
#
#   sudo sidecar/scripts/docker-local-base.sh [rootfs dir]        # then, from the repository root:
#   docker build --pull=false -f sidecar/Dockerfile -t wck-sidecar .
#   node --import tsx --test sidecar/test/docker.test.ts          # builds, runs and checks the image
#
# A local tool, never run by `npm test` or CI. Needs root, debootstrap, Docker, and a Node 20 on this machine
# built against glibc (Debian bookworm's or older). The rootfs is built in a temporary directory (or the one given)
# and is not part of the repository.
set -euo pipefail

TAG="${BASE_TAG:-node:20-bookworm-slim}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOT="${1:-$(mktemp -d)/rootfs}"
NODE_BIN="$(readlink -f "$(command -v node)")"
NODE_MAJOR="$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = 20 ] || { echo "need Node 20 on this machine, found $("$NODE_BIN" -v)" >&2; exit 1; }
NPM_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
NODE_PREFIX="$(dirname "$(dirname "$NODE_BIN")")"

if [ ! -x "$ROOT/bin/bash" ]; then
  mkdir -p "$ROOT"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR"
fi

install -D -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
rm -rf "$ROOT/usr/local/lib/node_modules/npm"
mkdir -p "$ROOT/usr/local/lib/node_modules" "$ROOT/usr/local/include"
cp -a "$NPM_DIR" "$ROOT/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
# Node's headers, where the official image has them (native modules build against them without a download).
if [ -d "$NODE_PREFIX/include/node" ]; then
  rm -rf "$ROOT/usr/local/include/node"
  cp -a "$NODE_PREFIX/include/node" "$ROOT/usr/local/include/node"
fi
# Where this machine reaches the npm registry through a TLS-inspecting proxy, Node here trusts its CA through
# NODE_EXTRA_CA_CERTS: the stand-in trusts the same (the official image would not need it).
EXTRA_CA_ENV=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$ROOT/usr/local/share/ca-certificates/extra-ca.crt"
  EXTRA_CA_ENV=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/extra-ca.crt')
fi
chroot "$ROOT" sh -c 'getent group node >/dev/null || groupadd --gid 1000 node;
  getent passwd node >/dev/null || useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
chroot "$ROOT" sh -c 'apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /var/log/*.log'

tar -C "$ROOT" --numeric-owner -c . | docker import \
  --change 'ENV NODE_VERSION='"$("$NODE_BIN" -p process.versions.node)" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "${EXTRA_CA_ENV[@]}" --change 'CMD ["node"]' - "$TAG"
docker image ls "$TAG"
echo "rootfs left in $ROOT (delete it when done)"
