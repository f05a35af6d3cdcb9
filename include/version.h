#ifndef VERSION_H
#define VERSION_H

/* The program's version: in --version, the manifest, exports and the
 * record configuration hash (a new version rebuilds every record). */
#define REVMINE_VERSION "0.1.0"

#endif
