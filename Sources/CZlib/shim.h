#ifndef STRATIFY_CZLIB_SHIM_H
#define STRATIFY_CZLIB_SHIM_H
// The system zlib (Debian/Ubuntu: apt-get install zlib1g-dev), for reading
// gzip-compressed intake files.
#include <zlib.h>

// inflateInit2 is a macro in zlib.h, which Swift cannot call.
static inline int stratify_inflate_init(z_stream *stream) {
    // 15 + 16: a gzip wrapper (not zlib, not raw deflate), 32 KiB window.
    return inflateInit2(stream, 15 + 16);
}

// For tests that make gzip data: a gzip wrapper, default memory level.
static inline int stratify_deflate_init(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
