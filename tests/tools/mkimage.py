#!/usr/bin/env python3
"""mkimage.py - builds container images for vigil's tests, python3 stdlib only.

Writes a Docker image archive (the `docker save` layout: manifest.json with
Config/RepoTags/Layers, <id>/layer.tar, <config>.json) or an OCI image layout
(OCI image spec v1.1: oci-layout, index.json, blobs/sha256/...; as a
directory or as a tar) from layers given in order, each a directory (tarred
with sorted names, owner 0:0, fixed mtime) or an existing tar (.tar, or
.tar.gz whose decompressed bytes become the layer as they are).

Whiteouts are written as they are found: put a file named ".wh.NAME" or
".wh..wh..opq" in a layer directory.

Left out: signatures, attestation manifests, non-sha256 digests.

usage: mkimage.py -f docker-archive|oci-dir|oci-tar -o OUT [--compress none|gzip]
                  [--tag REPO:TAG] [--arch ARCH] [--extra-platform OS/ARCH ...]
                  [--tamper-layer N] [--print-diff-ids] LAYER...
--tamper-layer N writes layer N with content that does not match the
digests recorded for it (the manifest's blob digest and the config diff_id).
--print-diff-ids prints "INDEX DIFF_ID BLOB_DIGEST" per layer on stdout.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

MTIME = 1700000000


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_directory(root):
    """Uncompressed tar bytes of the tree under root, deterministic."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                entries.append((os.path.relpath(full, root), full))
        entries.sort()
        for arcname, full in entries:
            info = tar.gettarinfo(full, arcname)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = MTIME
            if info.isreg():
                with open(full, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def read_layer(spec):
    if os.path.isdir(spec):
        return tar_directory(spec)
    with open(spec, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as g:
        g.write(data)
    return out.getvalue()


def tampered(data):
    """The layer with one more file in front: other bytes, other digests."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as src, \
            tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        payload = b"tampered\n"
        info = tarfile.TarInfo("tampered.txt")
        info.size = len(payload)
        info.mtime = MTIME
        tar.addfile(info, io.BytesIO(payload))
        for member in src:
            tar.addfile(member, src.extractfile(member) if member.isreg() else None)
    return buf.getvalue()


def make_config(arch, osname, diff_ids):
    history = [{"created": "2023-11-14T22:13:20Z", "created_by": "/bin/sh -c #(nop) LABEL made-by=mkimage",
                "empty_layer": True}]
    for i in range(len(diff_ids)):
        history.append({"created": "2023-11-14T22:13:20Z", "created_by": "mkimage layer %d" % i})
    return json.dumps({
        "architecture": arch,
        "os": osname,
        "created": "2023-11-14T22:13:20Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }, sort_keys=True, separators=(",", ":")).encode()


def add_member(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = MTIME
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def main():
    ap = argparse.ArgumentParser(description="build test container images")
    ap.add_argument("-f", "--format", required=True, choices=["docker-archive", "oci-dir", "oci-tar"])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--compress", choices=["none", "gzip"], default=None)
    ap.add_argument("--tag", default="vigil-test/image:1")
    ap.add_argument("--arch", default="amd64")
    ap.add_argument("--os", default="linux")
    ap.add_argument("--extra-platform", action="append", default=[])
    ap.add_argument("--tamper-layer", type=int, default=-1)
    ap.add_argument("--print-diff-ids", action="store_true")
    ap.add_argument("layers", nargs="+")
    args = ap.parse_args()
    compress = args.compress or ("none" if args.format == "docker-archive" else "gzip")

    tars = [read_layer(spec) for spec in args.layers]
    diff_ids = [sha256(t) for t in tars]
    blobs = [gz(t) if compress == "gzip" else t for t in tars]
    blob_digests = [sha256(b) for b in blobs]
    written = list(blobs)
    if 0 <= args.tamper_layer < len(blobs):
        t = tampered(tars[args.tamper_layer])
        written[args.tamper_layer] = gz(t) if compress == "gzip" else t
    config = make_config(args.arch, args.os, diff_ids)
    repo, _, tag = args.tag.rpartition(":")

    if args.print_diff_ids:
        for i, (d, b) in enumerate(zip(diff_ids, blob_digests)):
            print(i, d, b)

    if args.format == "docker-archive":
        with tarfile.open(args.output, "w", format=tarfile.PAX_FORMAT) as tar:
            layer_names = []
            for i, data in enumerate(written):
                layer_id = hashlib.sha256((diff_ids[i] + str(i)).encode()).hexdigest()
                info = tarfile.TarInfo(layer_id)
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                info.mtime = MTIME
                tar.addfile(info)
                add_member(tar, layer_id + "/VERSION", b"1.0")
                add_member(tar, layer_id + "/layer.tar", data)
                layer_names.append(layer_id + "/layer.tar")
            config_name = hashlib.sha256(config).hexdigest() + ".json"
            add_member(tar, config_name, config)
            manifest = [{"Config": config_name, "RepoTags": [args.tag], "Layers": layer_names}]
            add_member(tar, "manifest.json", json.dumps(manifest).encode())
            add_member(tar, "repositories", json.dumps({repo: {tag: layer_names[-1].split("/")[0]}}).encode())
        return 0

    # OCI image layout
    files = {}
    layer_mt = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress == "gzip" else "")
    for data, digest in zip(written, blob_digests):
        files["blobs/sha256/" + digest[7:]] = data
    manifests = []
    platforms = [(args.os, args.arch, config)]
    for extra in args.extra_platform:
        o, _, a = extra.partition("/")
        platforms.append((o, a, make_config(a, o, diff_ids)))
    for o, a, cfg in platforms:
        files["blobs/sha256/" + sha256(cfg)[7:]] = cfg
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": sha256(cfg), "size": len(cfg)},
            "layers": [{"mediaType": layer_mt, "digest": d, "size": len(b)} for d, b in zip(blob_digests, blobs)],
        }, separators=(",", ":")).encode()
        files["blobs/sha256/" + sha256(manifest)[7:]] = manifest
        desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": sha256(manifest), "size": len(manifest),
                "annotations": {"io.containerd.image.name": args.tag,
                                "org.opencontainers.image.ref.name": tag}}
        if len(platforms) > 1:
            desc["platform"] = {"os": o, "architecture": a}
        manifests.append(desc)
    files["index.json"] = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                      "manifests": manifests}, indent=1).encode()
    files["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'

    if args.format == "oci-dir":
        for name, data in files.items():
            path = os.path.join(args.output, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
    else:
        with tarfile.open(args.output, "w", format=tarfile.PAX_FORMAT) as tar:
            # blobs first, as docker 25+ writes them; oci-layout and index.json last
            for name in sorted(files, key=lambda n: (not n.startswith("blobs/"), n)):
                add_member(tar, name, files[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
