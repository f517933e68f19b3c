/*
 * NAME
 *	kaeru.h - the kaeru bounce-mail library
 * DESCRIPTION
 *	Include this one header. The library never prints and never exits;
 *	see kaeru/common.h for the error convention. Every function is safe
 *	to call from several threads as long as each object (parser, reader,
 *	store) is used by one thread at a time.
 */
#ifndef KAERU_H
#define KAERU_H

#include <kaeru/common.h>
#include <kaeru/version.h>
#include <kaeru/record.h>
#include <kaeru/parse.h>
#include <kaeru/reader.h>
#include <kaeru/format.h>
#include <kaeru/explain.h>

#endif
