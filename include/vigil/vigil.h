/*
 * vigil.h — the whole public interface of libvigil.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include "vigil/error.h"
#include "vigil/arena.h"
#include "vigil/buf.h"
#include "vigil/map.h"
#include "vigil/inventory.h"
#include "vigil/purl.h"
#include "vigil/catalog.h"
#include "vigil/source.h"
#include "vigil/format.h"
#include "vigil/digest.h"
#include "vigil/base64.h"
#include "vigil/attest.h"
#include "vigil/io.h"
#include "vigil/notify.h"

/* Library version, e.g. "0.1.0". */
const char *vg_version(void);

#endif
