#!/usr/bin/env bash
# Proves the container image's runtime without Docker: builds a root file
# system of the image's Debian release from Debian's packages (debootstrap),
# puts the image's Node into it (the `node` package from npm ships the
# binary), builds the server as the Dockerfile's build stage does, copies in
# what its runtime stage copies, runs the Dockerfile's CMD inside with chroot,
# and shows /ready 200, a player joining through the SDK
# (examples/quickstart-client.ts) and the transport in use.
#
#   sudo deploy/verify-runtime.sh             # as root: debootstrap, mount and chroot need it
#
# The image, Node version and Debian release come from the Dockerfile's
# `ARG NODE_IMAGE=node:<version>-<release>-slim`. The build context is this
# checkout's working tree (tracked and untracked files git does not ignore),
# as `docker build .` would see it. Environment:
#   MIRROR             Debian mirror (default: the one apt uses here, else deb.debian.org)
#   CACHE_DIR          keeps the debootstrapped base and Node between runs
#                      (default ~/.cache/mxo-verify-runtime; the first run takes minutes)
#   EXPECT_TRANSPORT   the transport the server must report (default uws: the
#                      point of the image's release is that the uWS build loads)
#   KEEP=1             leave the work directory (root fs, build, logs) for a look
set -euo pipefail

CONTEXT=$(cd "$(dirname "$0")/.." && pwd)
CACHE_DIR=${CACHE_DIR:-${HOME:-/root}/.cache/mxo-verify-runtime}
EXPECT_TRANSPORT=${EXPECT_TRANSPORT:-uws}

step() { printf '\n=== %s\n' "$*"; }
fail() {
  echo "verify-runtime: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, mount and chroot need it)"
for tool in debootstrap chroot mount umount findmnt npm curl tar; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install debootstrap curl)"
done

# --- What the Dockerfile says -------------------------------------------------
image=$(sed -n 's/^ARG NODE_IMAGE=//p' "$CONTEXT/Dockerfile" | head -n 1)
[[ $image =~ ^node:([0-9]+(\.[0-9]+)*)-([a-z]+)-slim ]] ||
  fail "Dockerfile's NODE_IMAGE ($image) is not node:<version>-<release>-slim"
node_version=${BASH_REMATCH[1]}
release=${BASH_REMATCH[3]}
cmd_json=$(sed -n 's/^CMD //p' "$CONTEXT/Dockerfile" | tail -n 1)
[[ $cmd_json == \[* ]] || fail "the Dockerfile's CMD is not in exec (JSON array) form: $cmd_json"

if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null |
    grep -v security | head -n 1 | tr -d ' ' || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi

work=$(mktemp -d /tmp/mxo-verify-runtime.XXXXXX)
rootfs=$work/rootfs
server_pid=""
mounted=()

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  # Unmount in reverse order; never delete a tree that still has something mounted in it.
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  if findmnt -rn -o TARGET | grep -q "^$work"; then
    echo "verify-runtime: still mounted under $work, not removing it:" >&2
    findmnt -rn -o TARGET | grep "^$work" >&2
  elif [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT INT TERM

step "image $image: Debian $release, Node $node_version (mirror $MIRROR)"
mkdir -p "$CACHE_DIR"

# --- Root file system from Debian's packages -------------------------------------
base=$CACHE_DIR/$release-minbase.tar
if [ ! -f "$base" ]; then
  step "debootstrap $release (minbase; cached as $base)"
  debootstrap --variant=minbase "$release" "$work/base" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }
  tar -C "$work/base" -cf "$base.partial" . && mv "$base.partial" "$base"
  rm -rf "$work/base"
fi
mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$base"
echo "root fs: $(cat "$rootfs/etc/debian_version") ($(chroot "$rootfs" /usr/bin/ldd --version | head -n 1))"

# --- Node from npm -------------------------------------------------------------
node_dir=$CACHE_DIR/node-$node_version
if [ ! -x "$node_dir/node_modules/node/bin/node" ]; then
  step "npm install node@$node_version"
  npm install --prefix "$node_dir" --no-save --no-audit --no-fund --loglevel=error "node@$node_version"
fi
node_bin=$(readlink -f "$node_dir/node_modules/node/bin/node")
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
echo "node in the root fs: $(chroot "$rootfs" /usr/local/bin/node --version)"

# --- The Dockerfile's build stage, on that Node ---------------------------------
step "build (npm ci, npm run build, npm prune --omit=dev) with Node $("$node_bin" --version)"
app=$work/app
mkdir -p "$app"
if git -C "$CONTEXT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$CONTEXT" && git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf -) |
    tar -C "$app" -xf -
else
  tar -C "$CONTEXT" --exclude=./node_modules --exclude=./dist --exclude=./data --exclude=./.git -cf - . | tar -C "$app" -xf -
fi
export PATH="$(dirname "$node_bin"):$PATH"
(
  cd "$app"
  npm ci --no-audit --no-fund --loglevel=error
  npm run build >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
  npm prune --omit=dev --no-audit --no-fund --loglevel=error
) || fail "the build failed"

# --- The runtime stage's files, the image's user and volume ------------------------
mkdir -p "$rootfs/app" "$rootfs/data"
cp -a "$app/package.json" "$app/node_modules" "$app/vendor" "$app/dist" "$app/content" "$rootfs/app/"
chown 1000:1000 "$rootfs/data" # the node user of the official image

# --- Run the CMD inside ----------------------------------------------------------
for fs in proc sys dev; do
  mkdir -p "$rootfs/$fs"
  case $fs in
    proc) mount -t proc proc "$rootfs/proc" ;;
    sys) mount --bind -o ro /sys "$rootfs/sys" ;;
    dev) mount --bind /dev "$rootfs/dev" ;;
  esac
  mounted+=("$rootfs/$fs")
done

port=$("$node_bin" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
secret() { "$node_bin" -p 'require("crypto").randomBytes(48).toString("base64")'; }
mapfile -t cmd < <("$node_bin" -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$cmd_json")
step "chroot: ${cmd[*]} (NODE_ENV=production, PORT=$port, HOST=127.0.0.1, DATA_DIR=/data, uid 1000)"
# HOST=127.0.0.1 instead of the image's 0.0.0.0: the chroot shares this machine's network.
chroot --userspec=1000:1000 "$rootfs" /usr/bin/env -i \
  PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp NODE_ENV=production PORT="$port" HOST=127.0.0.1 DATA_DIR=/data \
  JWT_SECRET="$(secret)" TOTP_ENCRYPTION_KEY="$(secret)" \
  /bin/sh -c 'cd /app && exec "$@"' sh "${cmd[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

base_url=http://127.0.0.1:$port
ready=""
for _ in $(seq 1 180); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server exited"; }
  ready=$(curl -s -m 5 -w ' %{http_code}' "$base_url/ready" || true)
  [[ $ready == *" 200" ]] && break
  sleep 1
done
[[ $ready == *" 200" ]] || { tail -n 30 "$work/server.log" >&2; fail "/ready never answered 200 (last: $ready)"; }

step "GET /ready"
echo "$ready"

step "a player joins through the SDK (examples/quickstart-client.ts, Node $("$node_bin" --version) outside the chroot)"
(cd "$app" && MXO_URL=$base_url "$node_bin" --experimental-websocket --import tsx examples/quickstart-client.ts) ||
  { tail -n 30 "$work/server.log" >&2; fail "the quickstart client failed"; }

step "the server's log"
cut -c1-400 "$work/server.log"
listening=$(grep '"mxo-server listening"' "$work/server.log" | head -n 1)
transport=$(printf '%s' "$listening" | sed -n 's/.*"transport":"\([a-z]*\)".*/\1/p')
uws_build=$(chroot "$rootfs" /usr/local/bin/node -e \
  'try { const u = require("/app/node_modules/uWebSockets.js"); const b = u[Symbol.for("uwebsockets-select.build")]; console.log(b.name + "@" + b.version) } catch (e) { console.log("none: " + e.message) }')

step "result"
echo "Debian $(cat "$rootfs/etc/debian_version"), $(chroot "$rootfs" /usr/bin/ldd --version | head -n 1)"
echo "Node $(chroot "$rootfs" /usr/local/bin/node --version) (ABI $(chroot "$rootfs" /usr/local/bin/node -p process.versions.modules))"
echo "uWebSockets.js build that loads: $uws_build"
echo "/ready: ${ready##* }; transport in use: ${transport:-unknown}"
[ "$transport" = "$EXPECT_TRANSPORT" ] || fail "transport is ${transport:-unknown}, expected $EXPECT_TRANSPORT"
echo "OK: the image's runtime serves players on $transport"
