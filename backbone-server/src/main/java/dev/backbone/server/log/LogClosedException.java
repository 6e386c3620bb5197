package dev.backbone.server.log;

/** An append or read reached a log that is already closed (shutdown, or its topic was deleted). */
public final class LogClosedException extends IllegalStateException {

    public LogClosedException(TopicPartition topicPartition) {
        super("log " + topicPartition + " is closed");
    }
}
