// Package infra holds no code the binary runs: only what ships and
// operates it (the image build, the Kubernetes manifests, the workflows,
// the operator's guide) and the tests that check them: the image is
// unpacked and its binary run, the manifests are rendered with kubectl
// kustomize and decoded strictly into the Kubernetes API types.
package infra
