/* SPDX-License-Identifier: ISC */
#ifndef TEEC_STATUS_H
#define TEEC_STATUS_H

/*
 * Outcome of every teec operation. Maps to EXIT STATUS in the man pages;
 * do not reorder.
 */
enum teec_status {
	TEEC_OK = 0,    /* verified / done */
	TEEC_FAIL = 1,  /* the evidence was examined and does not hold */
	TEEC_ERROR = 2, /* could not run: usage, I/O, broken configuration */
};

/*
 * An error message for the caller to print. Library code never prints:
 * it fills one of these and returns a status.
 */
#define TEEC_ERR_MAX 512
struct teec_err {
	char msg[TEEC_ERR_MAX];
};

/* Set err->msg (if err is not NULL) and return status. */
int teec_errf(struct teec_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
