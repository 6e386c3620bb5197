package dev.backbone.server.http.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import reactor.core.publisher.Flux;

/**
 * Cuts a streamed request body into NDJSON lines and groups consecutive lines into small batches.
 *
 * <p>Lines end with {@code \n}; a {@code \r} before it is dropped, so CRLF bodies work. Blank lines are skipped
 * (they still count for line numbers). The last line needs no terminator.
 *
 * <p>Memory stays bounded whatever the body's size: the splitter keeps at most one partial line (never more than
 * {@code maxLineBytes}) and the lines of the chunk it is cutting. A line that grows past the limit is reported as a
 * {@link NdjsonLine#tooLong()} line, after which the splitter ignores the rest of the body: the stream ends there.
 *
 * <p>Grouping follows arrival: the complete lines of one incoming chunk form a group, cut further so that no group
 * holds more than {@code maxGroupRecords} lines or (unless it is a single line) more than {@code maxGroupBytes}
 * bytes. A client that sends one line at a time so gets each line appended as soon as it arrives, while a client
 * that streams fast gets its lines appended in batches.
 *
 * <p>Thread safety: one instance per body; not thread safe. Reactor delivers a body's chunks one at a time, which
 * is all {@link #groups} relies on.
 */
public final class NdjsonLineSplitter {

    private final int maxLineBytes;
    private final int maxGroupRecords;
    private final int maxGroupBytes;

    private byte[] partial = new byte[256];
    private int partialLength;
    private long lineNumber;
    private boolean failed;

    private List<List<NdjsonLine>> groups;
    private List<NdjsonLine> group;
    private int groupBytes;

    public NdjsonLineSplitter(int maxLineBytes, int maxGroupRecords, int maxGroupBytes) {
        if (maxLineBytes < 1 || maxGroupRecords < 1 || maxGroupBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: maxLineBytes=" + maxLineBytes
                    + ", maxGroupRecords=" + maxGroupRecords + ", maxGroupBytes=" + maxGroupBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.maxGroupRecords = maxGroupRecords;
        this.maxGroupBytes = maxGroupBytes;
    }

    /**
     * The groups of lines of {@code body}, in order. Chunks are consumed one at a time and released as soon as
     * they are cut, so the body is read only as fast as the groups are consumed.
     */
    public static Flux<List<NdjsonLine>> groups(Flux<DataBuffer> body, int maxLineBytes, int maxGroupRecords,
                                                int maxGroupBytes) {
        return Flux.defer(() -> {
            NdjsonLineSplitter splitter = new NdjsonLineSplitter(maxLineBytes, maxGroupRecords, maxGroupBytes);
            return body.concatMapIterable(splitter::feed, 1)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(splitter.finish())));
        }).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /** Cuts one chunk and releases it; answers the groups it completed (possibly none). */
    public List<List<NdjsonLine>> feed(DataBuffer chunk) {
        byte[] bytes;
        try {
            bytes = new byte[chunk.readableByteCount()];
            chunk.read(bytes);
        } finally {
            DataBufferUtils.release(chunk);
        }
        return feed(bytes, 0, bytes.length);
    }

    /** Cuts {@code length} bytes of {@code bytes} from {@code offset}; answers the groups it completed. */
    public List<List<NdjsonLine>> feed(byte[] bytes, int offset, int length) {
        startChunk();
        int end = offset + length;
        int lineStart = offset;
        for (int i = offset; i < end && !failed; i++) {
            if (bytes[i] == '\n') {
                appendPartial(bytes, lineStart, i - lineStart);
                completeLine();
                lineStart = i + 1;
            }
        }
        if (!failed && lineStart < end) {
            appendPartial(bytes, lineStart, end - lineStart);
        }
        return endChunk();
    }

    /** Ends the body: the last line needs no terminator. Answers the remaining groups. */
    public List<List<NdjsonLine>> finish() {
        startChunk();
        if (!failed && partialLength > 0) {
            completeLine();
        }
        failed = true;
        return endChunk();
    }

    private void startChunk() {
        groups = new ArrayList<>(2);
        group = null;
        groupBytes = 0;
    }

    private List<List<NdjsonLine>> endChunk() {
        if (group != null) {
            groups.add(group);
        }
        List<List<NdjsonLine>> done = groups;
        groups = null;
        group = null;
        return done;
    }

    private void appendPartial(byte[] bytes, int from, int count) {
        if (failed || count == 0) {
            return;
        }
        if ((long) partialLength + count > maxLineBytes + 1L) {
            // One byte of slack for the '\r' of a CRLF line of exactly maxLineBytes.
            lineNumber++;
            emit(NdjsonLine.overLimit(lineNumber), 0);
            failed = true;
            partialLength = 0;
            partial = new byte[0];
            return;
        }
        if (partialLength + count > partial.length) {
            int capacity = (int) Math.min(Math.max((long) partial.length * 2, (long) partialLength + count),
                    maxLineBytes + 1L);
            partial = Arrays.copyOf(partial, capacity);
        }
        System.arraycopy(bytes, from, partial, partialLength, count);
        partialLength += count;
    }

    private void completeLine() {
        if (failed) {
            return;
        }
        lineNumber++;
        int length = partialLength;
        if (length > 0 && partial[length - 1] == '\r') {
            length--;
        }
        partialLength = 0;
        if (length > maxLineBytes) {
            emit(NdjsonLine.overLimit(lineNumber), 0);
            failed = true;
            return;
        }
        if (isBlank(partial, length)) {
            return;
        }
        emit(NdjsonLine.of(lineNumber, Arrays.copyOf(partial, length)), length);
        if (partial.length > 64 * 1024) {
            // Do not keep one huge line's buffer for the rest of a long stream.
            partial = new byte[256];
        }
    }

    private void emit(NdjsonLine line, int bytes) {
        if (group != null && (group.size() >= maxGroupRecords || (long) groupBytes + bytes > maxGroupBytes)) {
            groups.add(group);
            group = null;
            groupBytes = 0;
        }
        if (group == null) {
            group = new ArrayList<>();
        }
        group.add(line);
        groupBytes += bytes;
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
