/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/frame.h"
#include "common/proto.h"
#include "common/timefmt.h"
#include "enclave/relay_dial.h"

/* Connect to the relay address; the socket, or -1 with why set. */
static int
relay_connect(const struct relay_dial *rd, int timeout_ms, char *why,
    size_t whysz)
{
	struct sockaddr_un un;
	struct sockaddr_vm vm;
	struct timeval tv;
	int s = -1;

	if (rd->addr.kind == PROTO_RELAY_UNIX) {
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		if (strlen(rd->addr.path) >= sizeof(un.sun_path)) {
			snprintf(why, whysz, "cannot reach the host relay: "
			    "path too long");
			return -1;
		}
		memcpy(un.sun_path, rd->addr.path, strlen(rd->addr.path) + 1);
		if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
		    connect(s, (struct sockaddr *)&un, sizeof(un)) == -1)
			goto fail;
		return s;
	}
	if (rd->addr.kind != PROTO_RELAY_VSOCK) {
		snprintf(why, whysz, "cannot reach the host relay: no address");
		return -1;
	}
	if ((s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (timeout_ms < 1)
		timeout_ms = 1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	(void)setsockopt(s, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
	    sizeof(tv));
	memset(&vm, 0, sizeof(vm));
	vm.svm_family = AF_VSOCK;
	vm.svm_cid = rd->cid != 0 ? rd->cid : PROTO_RELAY_PARENT_CID;
	vm.svm_port = rd->addr.port;
	if (connect(s, (struct sockaddr *)&vm, sizeof(vm)) == -1)
		goto fail;
	return s;
fail:
	snprintf(why, whysz, "cannot reach the host relay: %s",
	    strerror(errno));
	if (s != -1)
		close(s);
	return -1;
}

int
proxy_dial_relay(void *arg, const char *host, uint16_t port, int timeout_ms,
    int *fd, char *why, size_t whysz)
{
	const struct relay_dial *rd = arg;
	char req[TEEC_MAX_NET_OPEN + 1], reason[TEEC_MAX_NET_REASON + 1];
	struct frame f;
	struct teec_err e;
	int64_t deadline = mono_ms() + timeout_ms, left;
	uint8_t status;
	int s = -1, rc = -1;

	*fd = -1;
	frame_init(&f);
	if (proto_net_open_encode(host, port, req, &e) != TEEC_OK) {
		snprintf(why, whysz, "%s", e.msg);
		goto out;
	}
	if ((s = relay_connect(rd, timeout_ms, why, whysz)) == -1)
		goto out;
	if (frame_send(s, FRAME_NET_OPEN, req, strlen(req), &e) != TEEC_OK) {
		snprintf(why, whysz, "the host relay: %s", e.msg);
		goto out;
	}
	/* The host dials within the same time limit; wait that long. */
	left = deadline - mono_ms();
	if (left < 1)
		left = 1;
	if (frame_recv(s, &f, 1 + TEEC_MAX_NET_REASON, (int)left, &e) !=
	    TEEC_OK) {
		snprintf(why, whysz, "the host relay: %s", e.msg);
		goto out;
	}
	if (f.type != FRAME_NET_OPEN) {
		snprintf(why, whysz, "the host relay answered with a %s frame",
		    frame_type_name(f.type));
		goto out;
	}
	if (proto_net_reply_decode(f.data, f.len, &status, reason, &e) !=
	    TEEC_OK) {
		snprintf(why, whysz, "the host relay: %s", e.msg);
		goto out;
	}
	if (status != PROTO_NET_OK) {
		snprintf(why, whysz, "the host relay refused: %s%s%s",
		    proto_net_status_name(status), reason[0] != '\0' ? ": " : "",
		    reason);
		goto out;
	}
	*fd = s;
	s = -1;
	rc = 0;
out:
	if (s != -1)
		close(s);
	frame_free(&f);
	return rc;
}
