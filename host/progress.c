/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/fileio.h"
#include "common/timefmt.h"
#include "host/progress.h"

void
progress_size(uint64_t n, char *out, size_t outsz)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t div = 1024, tenths;
	size_t u = 0;

	if (n < 1024) {
		snprintf(out, outsz, "%llu B", (unsigned long long)n);
		return;
	}
	while (u + 1 < sizeof(unit) / sizeof(unit[0]) && n / div >= 1024) {
		div *= 1024;
		u++;
	}
	/* Rounded to the nearest tenth, computed in integers. */
	tenths = (n / div) * 10 + ((n % div) * 10 + div / 2) / div;
	snprintf(out, outsz, "%llu.%llu %s", (unsigned long long)(tenths / 10),
	    (unsigned long long)(tenths % 10), unit[u]);
}

void
progress_format(const char *label, uint64_t done, uint64_t total, char *out,
    size_t outsz)
{
	char a[32], b[32];

	progress_size(done, a, sizeof(a));
	if (total == 0) {
		snprintf(out, outsz, "%s: %s", label, a);
		return;
	}
	progress_size(total, b, sizeof(b));
	snprintf(out, outsz, "%s: %s / %s", label, a, b);
}

void
progress_init(struct progress *p, int fd, int enabled, const char *label,
    uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->enabled = enabled;
	p->label = label;
	p->total = total;
	p->last_ms = -PROGRESS_INTERVAL_MS;
}

void
progress_update(struct progress *p, uint64_t done)
{
	char line[PROGRESS_LINE_MAX + 8];
	int64_t now;
	size_t n;

	if (p == NULL || !p->enabled)
		return;
	now = mono_ms();
	if (now - p->last_ms < PROGRESS_INTERVAL_MS &&
	    (p->total == 0 || done < p->total))
		return;
	p->last_ms = now;
	/* "\r" to the start of the line, the text, ESC[K clears what is left. */
	line[0] = '\r';
	progress_format(p->label, done, p->total, line + 1, PROGRESS_LINE_MAX);
	n = strlen(line);
	memcpy(line + n, "\033[K", 3);
	n += 3;
	write_all(p->fd, line, n);
	p->shown = 1;
}

void
progress_clear(struct progress *p)
{
	if (p == NULL || !p->enabled || !p->shown)
		return;
	write_all(p->fd, "\r\033[K", 4);
	p->shown = 0;
}

void
progress_cb(uint64_t done, void *arg)
{
	progress_update(arg, done);
}
