#!/usr/bin/env bash
# bench/registry.sh [VIGIL] — `vigil sbom registry:...` with a warm layer
# cache against `vigil sbom` of the same image as a local OCI layout (the
# goal: within 1.2x), by digest (no request: the manifest is cached) and
# by tag (one manifest request, over TLS).  The registry is Debian's docker-registry on a
# loopback port with TLS and basic auth, started as the tests start it
# (tests/e2e/registry_lib.sh); the image is the Debian bookworm package
# database fixture plus Alpine 3.11, two layers.  Needs hyperfine, skopeo,
# docker-registry and apache2-utils (./setup.sh --test installs them).
set -euo pipefail
VIGIL=$(realpath "${1:-${VIGIL:-build/vigil}}")
VIGIL_SRC=$(cd "$(dirname "$0")/.." && pwd)
VIGIL_SHARED=${VIGIL_SHARED:-$(cd "$VIGIL_SRC/../shared" && pwd)}
RUNS=${RUNS:-30}
export VIGIL VIGIL_SRC VIGIL_SHARED
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 77; }
. "$VIGIL_SRC/tests/e2e/lib.sh"
. "$VIGIL_SRC/tests/e2e/registry_lib.sh"
registry_start
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/img" --tag bench/img:1 \
    "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" \
    "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" >/dev/null
registry_push oci:"$TMP/img" bench/img:1
export VIGIL_CACHE="$TMP/cache"
auth="--registry-ca $REG_CERTS/ca.crt --registry-auth $REG_CREDS"
"$VIGIL" sbom -q $auth "registry:$REG/bench/img:1" -o cyclonedx-json=/dev/null # fills the cache
digest=$(skopeo inspect --cert-dir "$REG_CERTS" --creds "$REG_CREDS" --format '{{.Digest}}' "docker://$REG/bench/img:1")
before=$(registry_blob_gets)
hyperfine -N -w 3 -r "$RUNS" \
    -n "local OCI layout" "$VIGIL sbom -q $TMP/img -o cyclonedx-json=/dev/null" \
    -n "registry by digest, warm cache" "$VIGIL sbom -q $auth registry:$REG/bench/img@$digest -o cyclonedx-json=/dev/null" \
    -n "registry by tag, warm cache" "$VIGIL sbom -q $auth registry:$REG/bench/img:1 -o cyclonedx-json=/dev/null"
echo "blob downloads during the timed runs: $(( $(registry_blob_gets) - before ))"
