package dev.backbone.spring.publish;

/**
 * A publish refused at once because the records waiting to be sent already fill {@code backbone.producer.buffer-size}
 * (the broker is slow or down). Refusing keeps the caller from blocking.
 */
public class PublisherBufferFullException extends RuntimeException {

    private final long bufferedBytes;

    private final long bufferLimitBytes;

    public PublisherBufferFullException(long bufferedBytes, int recordBytes, long bufferLimitBytes) {
        super("publisher buffer full: " + bufferedBytes + " bytes waiting, a record of " + recordBytes
                + " bytes would pass the limit of " + bufferLimitBytes);
        this.bufferedBytes = bufferedBytes;
        this.bufferLimitBytes = bufferLimitBytes;
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    public long bufferLimitBytes() {
        return bufferLimitBytes;
    }
}
