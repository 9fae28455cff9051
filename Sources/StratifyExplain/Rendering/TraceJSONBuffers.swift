import StratifyIO
import Synchronization

/// Output buffers shared by the threads of a run: one is free again when
/// only this list holds it, that is when the writer has written the chunk
/// and dropped it.
final class TraceJSONBuffers: Sendable {
    private let buffers = Mutex<[OutputBuffer]>([])
    /// More than the chunks a run has in flight (`--jobs` × 2, and the one
    /// being written), in case.
    private static let maximum = 16

    /// A free buffer, emptied, or a new one.
    func take(capacity: Int) -> OutputBuffer {
        buffers.withLock { buffers in
            for index in buffers.indices where isKnownUniquelyReferenced(&buffers[index]) {
                buffers[index].removeAll()
                return buffers[index]
            }
            let buffer = OutputBuffer(capacity: capacity)
            if buffers.count < Self.maximum { buffers.append(buffer) }
            return buffer
        }
    }
}
