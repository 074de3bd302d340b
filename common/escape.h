/* SPDX-License-Identifier: ISC */
#ifndef TEEC_ESCAPE_H
#define TEEC_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/*
 * The one way attacker-controlled text reaches a person: printable ASCII
 * passes, a backslash becomes "\\", every other byte "\xNN". The result
 * cannot move the cursor, change colours or hide text on a terminal.
 */
int esc_term(struct buf *out, const void *p, size_t n);
/* HTML text or attribute value: & < > " ' escaped, controls as U+FFFD. */
int esc_html(struct buf *out, const void *p, size_t n);
/* Append lower-case hex of n bytes. */
int buf_hex(struct buf *out, const uint8_t *p, size_t n);

#endif
