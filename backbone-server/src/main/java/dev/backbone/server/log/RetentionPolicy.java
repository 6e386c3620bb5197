package dev.backbone.server.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Which segments retention deletes: the oldest ones, in order, while the oldest is past {@code retentionMs} or
 * the log without it still holds at least {@code retentionBytes}. Only closed segments that lie entirely below
 * the visible end qualify, never the active one, so retention never takes data a reader could not yet see.
 *
 * <p>Thread safety: a pure function of its arguments.
 */
final class RetentionPolicy {

    private RetentionPolicy() {
    }

    /**
     * @param segments   every segment, oldest first; the last is the active one
     * @param visibleEnd the visible end offset
     * @return the segments to delete, a prefix of {@code segments}
     */
    static List<LogSegment> deletable(List<LogSegment> segments, long visibleEnd, LogConfig config, long nowMs) {
        List<LogSegment> doomed = new ArrayList<>();
        if (config.retentionMs() < 0 && config.retentionBytes() < 0) {
            return doomed;
        }
        long remainingBytes = 0;
        for (LogSegment segment : segments) {
            remainingBytes += segment.sizeBytes();
        }
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            if (segments.get(i + 1).baseOffset() > visibleEnd) {
                break;
            }
            boolean expired = config.retentionMs() > 0 && segment.maxTimestamp() != LogSegment.NO_TIMESTAMP
                    && nowMs - segment.maxTimestamp() > config.retentionMs();
            boolean oversize = config.retentionBytes() > 0
                    && remainingBytes - segment.sizeBytes() >= config.retentionBytes();
            if (!expired && !oversize) {
                break;
            }
            remainingBytes -= segment.sizeBytes();
            doomed.add(segment);
        }
        return doomed;
    }
}
