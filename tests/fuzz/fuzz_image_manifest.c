/*
 * fuzz_image_manifest.c — libFuzzer target for the image descriptions read
 * by src/source/image.c: docker's manifest.json, OCI index.json (with nested
 * indexes, platforms, annotations) and the image config.  The first input
 * byte picks what the rest of the input becomes in an otherwise valid image
 * built here as an uncompressed tar (POSIX ustar headers):
 *   0: manifest.json of a docker archive holding <config digest>.json and
 *      <id>/layer.tar (the names docker writes: an image whatever the
 *      manifest says);
 *   1: index.json of an OCI layout holding a manifest, config and layer;
 *   2: the config blob of that docker archive (named c.json, so no digest).
 * Seeds in corpus/image_manifest/ (first byte + real JSON).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vigil/source.h"

/* An empty layer: the two zero blocks that end a tar. */
static const uint8_t empty_layer[1024];
#define EMPTY_DIFF_ID "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
#define DOCKER_LAYER "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef/layer.tar"
static const char config_json[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" EMPTY_DIFF_ID
    "\"]},\"history\":[{\"created_by\":\"fuzz\"}]}";

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        abort();
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Appends a ustar member name with content data to f. */
static void tar_member(FILE *f, const char *name, const void *data, size_t len)
{
    unsigned char h[512];
    memset(h, 0, sizeof h);
    snprintf((char *)h, 100, "%s", name);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011lo", (unsigned long)len);
    memcpy(h + 136, "00000000000", 12);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    static const unsigned char pad[512];
    if (fwrite(h, 1, 512, f) != 512 || (len && fwrite(data, 1, len, f) != len) ||
        fwrite(pad, 1, (512 - len % 512) % 512, f) != (512 - len % 512) % 512)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 3;
    data++;
    size--;
    char path[64];
    snprintf(path, sizeof path, "/tmp/vigil-fuzz-manifest-%ld.tar", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (mode == 0) {
        /* Member names as docker writes them, so that any manifest.json is read as an image's. */
        char config[65], name[128];
        sha256_hex(config_json, strlen(config_json), config);
        tar_member(f, DOCKER_LAYER, empty_layer, sizeof empty_layer);
        snprintf(name, sizeof name, "%s.json", config);
        tar_member(f, name, config_json, strlen(config_json));
        tar_member(f, "manifest.json", data, size);
    } else if (mode == 2) {
        static const char manifest[] = "[{\"Config\":\"c.json\",\"RepoTags\":[\"fuzz:1\"],\"Layers\":[\"l/layer.tar\"]}]";
        tar_member(f, "l/layer.tar", empty_layer, sizeof empty_layer);
        tar_member(f, "c.json", data, size);
        tar_member(f, "manifest.json", manifest, strlen(manifest));
    } else {
        char layer[65], config[65], manifest_digest[65], name[128], manifest[1024];
        sha256_hex(empty_layer, sizeof empty_layer, layer);
        sha256_hex(config_json, strlen(config_json), config);
        snprintf(manifest, sizeof manifest,
                 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                 "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\","
                 "\"size\":%zu},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                 "\"digest\":\"sha256:%s\",\"size\":1024}]}",
                 config, strlen(config_json), layer);
        sha256_hex(manifest, strlen(manifest), manifest_digest);
        snprintf(name, sizeof name, "blobs/sha256/%s", layer);
        tar_member(f, name, empty_layer, sizeof empty_layer);
        snprintf(name, sizeof name, "blobs/sha256/%s", config);
        tar_member(f, name, config_json, strlen(config_json));
        snprintf(name, sizeof name, "blobs/sha256/%s", manifest_digest);
        tar_member(f, name, manifest, strlen(manifest));
        tar_member(f, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
        tar_member(f, "index.json", data, size);
    }
    static const unsigned char end[1024];
    if (fwrite(end, 1, sizeof end, f) != sizeof end || fclose(f) != 0)
        abort();

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_inventory inv;
    vg_inventory_init(&inv);
    vg_scan_options opts = {.max_file_size = 1 << 20, .max_total_size = 16 << 20};
    int rc = vg_scan(&ctx, path, &opts, &inv);
    if (rc != VG_OK && !ctx.message[0])
        abort();
    vg_inventory_free(&inv);
    vg_ctx_free(&ctx);
    unlink(path);
    return 0;
}
