/*
 * cli.h — the vigil command: one cmd_NAME() per subcommand (cli/cmd_NAME.c),
 * listed in the table in cli/main.c.  Only cli/ prints and exits.
 *
 * Exit statuses, the same for every command (docs/vigil.1):
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdio.h>
#include "vigil/vigil.h"

enum {
    EXIT_OK = 0,         /* done, complete */
    EXIT_FAILURE_ = 1,   /* the job failed; nothing was written */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INCOMPLETE = 3, /* output written, but parts of the input could not be read */
    EXIT_VERIFY = 4,     /* verification failed (verify, verify-blob) */
    EXIT_POLICY = 5,     /* a gate failed (scan --fail-on) */
};

/* Subcommands.  argv[0] is the subcommand name. */
int cmd_sbom(int argc, char **argv);

/* Prints "vigil: MESSAGE\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the warnings recorded in ctx to stderr, one per line. */
void cli_print_warnings(const vg_ctx *ctx);
/* Maps a library status to an exit status (EXIT_FAILURE_ or EXIT_USAGE). */
int cli_exit_status(int status);
/* Writes len bytes to path atomically (temporary file in the same directory,
 * fsync, rename), or to stdout when path is NULL or "-".  Returns 0 or -1
 * with a message printed. */
int cli_write_output(const char *path, const void *data, size_t len);

#endif
