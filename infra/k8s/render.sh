#!/usr/bin/env bash
# render.sh OVERLAY IMAGE: prints the manifests of infra/k8s/overlays/OVERLAY
# with every container running IMAGE (REPOSITORY:TAG or REPOSITORY@DIGEST).
# The overlays name the image only as `marquee`: what runs is always pinned
# here, so dev and prod get the very image the build pushed, promoted by
# its tag. The deploy workflow and infra/k8s_test.go both render this way.
set -euo pipefail
overlay=${1:?usage: render.sh OVERLAY IMAGE}
image=${2:?usage: render.sh OVERLAY IMAGE}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/overlays/$overlay/kustomization.yaml" ] || { echo "render.sh: no overlay $overlay" >&2; exit 2; }

case "$image" in
  *@*) repo=${image%@*}; pin="digest: ${image#*@}" ;;
  *)
    last=${image##*/} # a registry's port is no tag
    case "$last" in
      *:*) repo=${image%:*}; pin="newTag: \"${last##*:}\"" ;;
      *) echo "render.sh: $image names no tag or digest" >&2; exit 2 ;;
    esac
    ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# kustomize takes a relative path to another kustomization, never an absolute one.
rel=$(realpath --relative-to="$work" "$here/overlays/$overlay")
cat >"$work/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $rel
images:
  - name: marquee
    newName: $repo
    $pin
EOF
kubectl kustomize "$work"
