/*
 * odapi/odapi.h - libodapi, an embeddable server for the Open Dental REST
 * API. Include this one header; link with `pkg-config --libs odapi`.
 */
#ifndef ODAPI_ODAPI_H
#define ODAPI_ODAPI_H

#include <odapi/version.h>
#include <odapi/error.h>
#include <odapi/server.h>

#endif /* ODAPI_ODAPI_H */
