#!/usr/bin/env bash
# make image: builds the OCI image without a container engine and writes
# it as a tarball that `docker load` reads (IMAGE_OUT, default marquee.tar).
#
# Everything comes from this machine: the layer is laid out by
# infra/image/rootfs.sh (as infra/Dockerfile does), tarred reproducibly,
# and crane (a `tool` in go.mod) stacks it on the empty base. crane sets
# the image's config (entrypoint, user, labels) only on an image in a
# registry, so it serves its own in-memory registry on loopback for the
# few seconds of the build; nothing leaves the machine.
# Needs Go, git, GNU tar and gzip: Linux as it comes (on macOS, GNU tar
# as `tar` first in PATH, or the Dockerfile).
#
# IMAGE_REVISION (default: the commit, "-dirty" when tracked files changed)
# and IMAGE_CREATED (default: the commit's time) go into the labels;
# IMAGE_TAG (default marquee:REVISION) is the name docker load gives it;
# IMAGE_SOURCE, when set (CI sets the repository's URL), is a label too.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${IMAGE_OUT:-marquee.tar}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [ -z "${IMAGE_REVISION:-}" ]; then
  IMAGE_REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    IMAGE_REVISION="$IMAGE_REVISION-dirty"
  fi
fi
created=${IMAGE_CREATED:-$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)}
tag=${IMAGE_TAG:-marquee:${IMAGE_REVISION:0:12}}
arch=$(go env GOARCH)

work=$(mktemp -d)
registry_pid=""
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# crane as go.mod's tool: built once into Go's cache for this machine
# (GOOS and GOARCH name the image's platform, not crane's), then run from
# there (the registry below is killed by its own process id).
env -u GOOS -u GOARCH go tool crane version >/dev/null
crane=$(env -u GOOS -u GOARCH go tool -n crane)

bash infra/image/rootfs.sh "$work/root"
# One layer, reproducible: sorted names, owner root, the commit's time,
# gzip without a name or time stamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$created" \
  --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$work/root" -cf - . | gzip -9n >"$work/layer.tar.gz"

# The loopback registry: an ephemeral port, read from its log. The log is
# created here, not by the background job's redirection, which may come
# after the first read below (a loaded CI machine found that race).
: >"$work/registry.log"
"$crane" registry serve --address 127.0.0.1:0 2>"$work/registry.log" &
registry_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/registry.log")
  [ -n "$port" ] && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "image: crane's registry did not start" >&2; cat "$work/registry.log" >&2; exit 1; }
staging="127.0.0.1:$port/marquee:build"

"$crane" append --oci-empty-base -f "$work/layer.tar.gz" -t "$staging" >/dev/null 2>"$work/append.log" ||
  { cat "$work/append.log" >&2; exit 1; }
# Keep in step with infra/Dockerfile's ENTRYPOINT, CMD, USER, ENV and LABEL.
source_label=()
if [ -n "${IMAGE_SOURCE:-}" ]; then source_label=(--label org.opencontainers.image.source="$IMAGE_SOURCE"); fi
"$crane" mutate "$staging" \
  --set-platform "linux/$arch" \
  --entrypoint /marquee --cmd serve \
  --user 65532:65532 \
  --env ZONEINFO=/usr/share/zoneinfo.zip \
  --exposed-ports 8080/tcp \
  --label org.opencontainers.image.title=marquee \
  --label org.opencontainers.image.revision="$IMAGE_REVISION" \
  --label org.opencontainers.image.created="$created" \
  "${source_label[@]}" \
  -t "$tag" -o "$out.partial"
mv "$out.partial" "$out"

size=$(gzip -l "$work/layer.tar.gz" | awk 'NR==2 {print $1}')
echo "image: $out ($tag, revision $IMAGE_REVISION, layer $size bytes compressed)"
