/* SPDX-License-Identifier: ISC */
#ifndef TEEC_PROGRESS_H
#define TEEC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The live progress line of a transfer ("sending source: 12.3 MiB /
 * 40.0 MiB"), redrawn in place on a terminal with a carriage return and
 * cleared when the transfer ends. Disabled, every call does nothing, so
 * callers need not test whether standard error is a terminal.
 */
#define PROGRESS_INTERVAL_MS 100        /* redraw at most this often */
#define PROGRESS_LINE_MAX    128

struct progress {
	int fd;                 /* where the line goes */
	int enabled;
	const char *label;      /* "sending source" */
	uint64_t total;         /* 0: unknown */
	int64_t last_ms;        /* last redraw, CLOCK_MONOTONIC */
	int shown;              /* a line is on the screen */
};

/* Human size with a binary unit: "512 B", "1.0 KiB", "12.3 MiB", "2.0 GiB". */
void progress_size(uint64_t n, char *out, size_t outsz);

/*
 * The text of the line, without control characters: "LABEL: DONE / TOTAL"
 * or "LABEL: DONE" when total is 0. Always NUL-terminates.
 */
void progress_format(const char *label, uint64_t done, uint64_t total,
    char *out, size_t outsz);

void progress_init(struct progress *p, int fd, int enabled,
    const char *label, uint64_t total);
/* Redraw if PROGRESS_INTERVAL_MS passed since the last redraw. */
void progress_update(struct progress *p, uint64_t done);
/* Remove the line, if one is shown (before other output, and at the end). */
void progress_clear(struct progress *p);

/* progress_update() in the shape of frame_progress_fn (common/frame.h). */
void progress_cb(uint64_t done, void *arg);

#endif
