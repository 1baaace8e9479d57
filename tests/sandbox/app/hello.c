/* The sandbox's demo application: the one file its image holds. */
#include <stdio.h>

int
main(void)
{
	puts("hello from the deploykit demo");
	return 0;
}
