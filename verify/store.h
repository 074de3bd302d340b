/* SPDX-License-Identifier: ISC */
#ifndef TEEC_STORE_H
#define TEEC_STORE_H

#include <stddef.h>

#include "common/status.h"

/*
 * Find the trust store directory (teec-trust-store(5)): the explicit one
 * if given (only that one), else $TEEC_TRUST_STORE, else the user's
 * ($XDG_CONFIG_HOME/teec/trust-store or ~/.config/teec/trust-store), else
 * the system's (/etc/teec/trust-store), else the installed default
 * (DATADIR/trust-store), else share/teec/trust-store beside the program's
 * bin/ (an installed tree under another prefix), else trust-store/ beside
 * bin/ (a build tree). TEEC_ERROR when none exists.
 */
int store_resolve(const char *explicit_dir, char *out, size_t outlen,
    struct teec_err *err);

#endif
