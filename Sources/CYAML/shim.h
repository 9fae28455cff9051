#ifndef STRATIFY_CYAML_SHIM_H
#define STRATIFY_CYAML_SHIM_H
// The system libyaml (Debian/Ubuntu: apt-get install libyaml-dev).
#include <yaml.h>
#endif
