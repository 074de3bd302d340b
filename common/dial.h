/* SPDX-License-Identifier: ISC */
#ifndef TEEC_DIAL_H
#define TEEC_DIAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Connect a TCP stream to host:port: host a DNS name or an IPv4 literal
 * (common/policy.h), every address getaddrinfo(3) gives tried in turn,
 * each with a non-blocking connect(2), all within timeout_ms. cancel_fd,
 * when not -1, is polled too: once it is readable the dial gives up.
 *
 * Returns the connected socket (non-blocking, close-on-exec), or -1 with
 * *e an errno value (ETIMEDOUT when the time ran out, ECANCELED when
 * cancelled, EHOSTUNREACH when the name did not resolve) and why a
 * one-line reason naming host:port.
 */
int net_dial(const char *host, uint16_t port, int timeout_ms, int cancel_fd,
    int *e, char *why, size_t whysz);

#endif
