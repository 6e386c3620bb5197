package org.apache.ratis.util;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Backbone's replacement for the Ratis class of this name, which Ratis's Raft log writer and reader use for the
 * CRC-32C of every log entry: the same checksum (so logs written by either read back with either), computed by the
 * JDK's {@link CRC32C}, which the JVM turns into the processor's CRC instructions, instead of Ratis's table lookups.
 * Ratis offers no setting for its checksum, and the table-driven one was the largest cost of a replica's log writer
 * thread: most of its CPU on 100 KB entries (measured: {@code BENCHMARKS.md}, "RF=3, second round").
 *
 * <p>It takes the place of Ratis's class because the broker's own classes come before its libraries on the class
 * path (Spring Boot's executable jar, Maven's test class path). Should a packaging ever put Ratis's jar first, Ratis's
 * own class is used instead: the same values, only slower. {@code RaftLogChecksumTest} checks that this class is the
 * one loaded and that its values are CRC-32C's.
 *
 * <p>The methods behave as Ratis's do, including {@link #update(ByteBuffer)} leaving the buffer's position where it
 * was (Ratis's writer moves it itself).
 *
 * <p>Thread safety: not thread-safe, as any {@link Checksum}; Ratis uses one per log stream.
 */
public class PureJavaCrc32C implements Checksum {

    private final CRC32C crc = new CRC32C();

    @Override
    public long getValue() {
        return crc.getValue();
    }

    @Override
    public void reset() {
        crc.reset();
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        crc.update(bytes, offset, length);
    }

    @Override
    public void update(ByteBuffer buffer) {
        crc.update(buffer.duplicate());
    }

    @Override
    public final void update(int b) {
        crc.update(b);
    }
}
