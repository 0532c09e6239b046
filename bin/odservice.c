/* odservice - placeholder until the API Service main program lands. */
#include <odapi/odapi.h>
#include <stdio.h>
int main(void) { printf("odservice %s\n", odapi_version()); return 0; }
