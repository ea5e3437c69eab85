#!/usr/bin/env bash
# rootfs.sh DIR: lays out the image's one layer in DIR, the same for
# `make image` (infra/image.sh) and infra/Dockerfile:
#
#   /marquee                      the static binary (CGO_ENABLED=0)
#   /etc/passwd, /etc/group       root and nonroot (65532), from infra/image/
#   /etc/ssl/certs/ca-certificates.crt   CA certificates (SMTP, S3, ACME)
#   /usr/share/zoneinfo.zip       time zone data, Go's own copy; the image
#                                 sets ZONEINFO to it
#   /tmp                          1777, for a container without a volume there
#
# CA_BUNDLE names another certificate bundle (default: Debian's).
set -euo pipefail
root=${1:?usage: rootfs.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

mkdir -p "$root/etc/ssl/certs" "$root/usr/share" "$root/tmp"
chmod 1777 "$root/tmp"
(cd "$repo" && CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' -o "$root/marquee" ./cmd/marquee)
install -m 0644 "$here/passwd" "$here/group" "$root/etc/"
install -m 0644 "${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
install -m 0644 "$(go env GOROOT)/lib/time/zoneinfo.zip" "$root/usr/share/zoneinfo.zip"
