/* SPDX-License-Identifier: ISC */
#ifndef TEEC_GITINFO_H
#define TEEC_GITINFO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The commit time of a git checkout, for SOURCE_DATE_EPOCH
 * (https://reproducible-builds.org/specs/source-date-epoch/): runs
 * "git --no-pager -C DIR log -1 --format=%ct COMMIT --" with GIT_*
 * variables removed from its environment, standard input from
 * /dev/null, its messages discarded, at most GITINFO_TIMEOUT_MS.
 */
#define GITINFO_TIMEOUT_MS  10000
#define GITINFO_MAX_OUTPUT  64u

/*
 * Parse git's answer: decimal digits (no sign, no leading zero unless
 * "0", at most 18 digits) and one optional final newline. 0 and *out, or
 * -1.
 */
int gitinfo_parse_time(const char *s, size_t n, int64_t *out);

/*
 * The committer time of commit (40 hex digits) in the repository at
 * dir. 0 and *out, or -1 when git is missing, fails or says something
 * unexpected. git names the program (NULL: "git" from PATH).
 */
int gitinfo_commit_time(const char *git, const char *dir,
    const char *commit, int64_t *out);

#endif
