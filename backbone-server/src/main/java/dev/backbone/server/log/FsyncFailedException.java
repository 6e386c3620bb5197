package dev.backbone.server.log;

import java.io.IOException;

/**
 * The fsync that was to make a SYNC append durable failed after the append was written: unlike every other
 * failed append, its records are in the file and may or may not be there after a restart (the kernel may have
 * dropped the pages it could not write, or written some of them). The partition refuses further appends until it
 * is reopened, when recovery keeps whatever valid prefix the disk holds.
 */
public final class FsyncFailedException extends IOException {

    private final TopicPartition topicPartition;

    public FsyncFailedException(TopicPartition topicPartition, IOException cause) {
        super("fsync of " + topicPartition + " failed: " + cause.getMessage(), cause);
        this.topicPartition = topicPartition;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }
}
