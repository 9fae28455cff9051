#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator, tuned for streaming.
///
/// A batch allocates a chunk of input (about 256 KB) and a buffer for its
/// output every few thousand records, and frees them once written. By
/// default glibc hands blocks that large back to the kernel (they are over
/// its mmap threshold, or trimmed off the top of the heap), so every new
/// chunk is fresh memory that faults in page by page: on the 1M-record
/// NDJSON benchmark (with 1 MB chunks then), 185,000 page faults and a
/// third of a second of system time; kept for reuse, 3,400. Peak memory
/// barely grows (54 MB on the 1 GB benchmark file, from 52 MB): the chunks
/// in flight are bounded (`--jobs` × 2), and so is what is kept.
enum AllocatorTuning {
    static func keepFreedBlocksForReuse() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does
        // not export; looked up by name, it is simply absent on a C library
        // without it. The option numbers are glibc's (M_TRIM_THRESHOLD -1,
        // M_MMAP_THRESHOLD -3), stable since 1996.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        // Blocks under 4 MB (every chunk and output buffer) come from the
        // heap and are reused; up to 8 MB free at its top is kept.
        _ = mallopt(-3, 4 << 20)
        _ = mallopt(-1, 8 << 20)
        #endif
    }
}
