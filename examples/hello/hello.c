/* SPDX-License-Identifier: ISC */
/* The example teec builds: see README.md and teec-host(1). */
#include <stdio.h>

int
main(void)
{
	puts("Hello from an attested build!");
	return 0;
}
