/*
 * cmd_key.c — `vigil key generate [--type ed25519|ecdsa-p256] NAME`, and the
 * helpers every attestation command shares: reading a passphrase (from
 * VIGIL_PASSWORD or a no-echo prompt on /dev/tty, never from the command
 * line), loading a signing or public key, reading an input file.
 * Formats: see include/vigil/attest.h.  Leaves out: key import/export,
 * cosign's encrypted key format, KMS/hardware keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/attest.h"
#include "vigil/io.h"

#define PASSPHRASE_MAX 1024

/* Reads one line from /dev/tty with echo off into buf (NUL-terminated,
 * newline removed).  Returns its length, or -1 when there is no terminal. */
static ssize_t prompt_tty(const char *prompt, char *buf, size_t size)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct termios saved, quiet;
    int have_termios = tcgetattr(fd, &saved) == 0;
    if (have_termios) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* The prompt is a courtesy; reading still works. */
    }
    size_t len = 0;
    ssize_t result = 0;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        if (len + 1 < size)
            buf[len++] = c;
        else
            result = -2; /* too long */
    }
    buf[len] = '\0';
    if (have_termios)
        tcsetattr(fd, TCSAFLUSH, &saved);
    if (write(fd, "\n", 1) < 0) {
        /* ignored, as above */
    }
    close(fd);
    if (result == -2) {
        explicit_bzero(buf, size);
        return -2;
    }
    return (ssize_t)len;
}

int attest_cli_load_private_key(vg_ctx *ctx, const char *path, vg_key **out)
{
    const char *envpass = getenv("VIGIL_PASSWORD");
    int needs = 0;
    int rc = vg_key_load_private(ctx, path, envpass, envpass ? strlen(envpass) : 0, &needs, out);
    if (rc != VG_ERR_PERMISSION || !needs)
        return rc;
    char pass[PASSPHRASE_MAX + 1];
    char prompt[256];
    snprintf(prompt, sizeof prompt, "Passphrase for %s: ", path);
    ssize_t n = prompt_tty(prompt, pass, sizeof pass);
    if (n < 0) {
        explicit_bzero(pass, sizeof pass);
        return vg_error(ctx, VG_ERR_PERMISSION,
                        "%s: the key is encrypted; set VIGIL_PASSWORD or run on a terminal", path);
    }
    rc = vg_key_load_private(ctx, path, pass, (size_t)n, NULL, out);
    explicit_bzero(pass, sizeof pass);
    return rc;
}

int attest_cli_read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out)
{
    vg_buf_init(out, max);
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        rc = vg_error(ctx, VG_ERR_IO, "%s: is a directory", path);
    else if ((rc = vg_read_all(fd, out)) == VG_ERR_LIMIT)
        rc = vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
    else if (rc == VG_ERR_IO)
        rc = vg_error(ctx, VG_ERR_IO, "%s: read error: %s", path, strerror(errno));
    else if (rc)
        rc = vg_error(ctx, rc, "%s: out of memory", path);
    if (!is_stdin)
        close(fd);
    if (rc == VG_OK && !out->data && vg_buf_add(out, "", 0) != VG_OK)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return rc;
}

static void key_usage(FILE *out)
{
    fprintf(out,
            "usage: vigil key generate [--type ed25519|ecdsa-p256] [--no-passphrase] NAME\n"
            "\n"
            "Writes NAME.key (PKCS#8 PEM private key, mode 0600) and NAME.pub\n"
            "(SubjectPublicKeyInfo PEM).  Existing files are never overwritten.\n"
            "The private key is encrypted (AES-256) with the passphrase in\n"
            "VIGIL_PASSWORD, or one asked on the terminal; an empty passphrase\n"
            "leaves it unencrypted.  Default type: ed25519.\n");
}

int cmd_key(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        key_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "generate") != 0) {
        cli_error("key: unknown action '%s' (only 'generate')", argv[1]);
        return EXIT_USAGE;
    }
    argc--;
    argv++;
    static const struct option options[] = {
        {"type", required_argument, NULL, 't'},
        {"no-passphrase", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vg_key_type type = VG_KEY_ED25519;
    int no_passphrase = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:nh", options, NULL)) != -1) {
        switch (c) {
        case 't':
            if (strcmp(optarg, "ed25519") == 0)
                type = VG_KEY_ED25519;
            else if (strcmp(optarg, "ecdsa-p256") == 0 || strcmp(optarg, "ecdsa") == 0 || strcmp(optarg, "p256") == 0)
                type = VG_KEY_ECDSA_P256;
            else {
                cli_error("key generate: unknown key type '%s' (ed25519 or ecdsa-p256)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n':
            no_passphrase = 1;
            break;
        case 'h':
            key_usage(stdout);
            return EXIT_OK;
        default:
            key_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        key_usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];

    char pass[PASSPHRASE_MAX + 1] = "";
    size_t passlen = 0;
    const char *envpass = getenv("VIGIL_PASSWORD");
    if (!no_passphrase && envpass) {
        passlen = strlen(envpass);
        if (passlen > PASSPHRASE_MAX) {
            cli_error("VIGIL_PASSWORD is longer than %d bytes", PASSPHRASE_MAX);
            return EXIT_USAGE;
        }
        memcpy(pass, envpass, passlen);
    } else if (!no_passphrase) {
        char again[PASSPHRASE_MAX + 1];
        ssize_t n = prompt_tty("Passphrase for the new key (empty for none): ", pass, sizeof pass);
        if (n >= 0) {
            ssize_t m = n > 0 ? prompt_tty("Repeat the passphrase: ", again, sizeof again) : 0;
            int same = n == 0 || (m == n && memcmp(pass, again, (size_t)n) == 0);
            explicit_bzero(again, sizeof again);
            if (!same) {
                explicit_bzero(pass, sizeof pass);
                cli_error("key generate: the passphrases differ; nothing written");
                return EXIT_USAGE;
            }
            passlen = (size_t)n;
        } else if (n == -2) {
            cli_error("key generate: passphrase longer than %d bytes", PASSPHRASE_MAX);
            return EXIT_USAGE;
        }
        /* n == -1: no terminal; the key is written unencrypted. */
    }

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    char id[VG_KEY_ID_LEN + 1];
    int rc = vg_key_generate(&ctx, type, name, passlen ? pass : NULL, passlen, id);
    explicit_bzero(pass, sizeof pass);
    if (rc) {
        cli_error("key generate: %s", ctx.message);
        vg_ctx_free(&ctx);
        return cli_exit_status(rc);
    }
    fprintf(stderr, "vigil: wrote %s.key (%s%s, mode 0600) and %s.pub; key id %s\n", name, vg_key_type_name(type),
            passlen ? ", encrypted" : ", not encrypted", name, id);
    vg_ctx_free(&ctx);
    return EXIT_OK;
}
