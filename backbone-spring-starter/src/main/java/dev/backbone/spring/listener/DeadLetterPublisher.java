package dev.backbone.spring.listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.backbone.client.batch.Header;
import dev.backbone.spring.publish.BatchingPublisher;
import dev.backbone.spring.publish.PublishResult;
import dev.backbone.spring.serde.BackboneHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a record that could not be handled to {@code <topic><suffix>}: its key and value bytes unchanged, its own
 * headers without earlier {@code dlt-} headers, then the original topic, partition, offset, group, the root
 * cause's type and one {@link FailureEnvelope}. Thread-safe.
 */
public final class DeadLetterPublisher {

    private final BatchingPublisher publisher;

    private final JsonMapper mapper;

    private final String suffix;

    public DeadLetterPublisher(BatchingPublisher publisher, JsonMapper mapper, String suffix) {
        this.publisher = publisher;
        this.mapper = mapper;
        this.suffix = suffix;
    }

    /**
     * The dead-letter topic of a topic.
     *
     * @param topic the original topic
     * @return its dead-letter topic's name
     */
    public String deadLetterTopic(String topic) {
        return topic + suffix;
    }

    /**
     * Sends the record and waits for the broker's acknowledgement.
     *
     * @param record   the failed record
     * @param group    the group whose listener failed
     * @param envelope why it failed
     * @return where it was stored
     * @throws Exception when it could not be stored (the caller retries; the record is not committed meanwhile)
     */
    public PublishResult send(RawRecord record, String group, FailureEnvelope envelope) throws Exception {
        List<Header> headers = new ArrayList<>(record.headers().size() + 6);
        for (Header h : record.headers()) {
            if (!BackboneHeaders.isDeadLetterHeader(h.key())) {
                headers.add(h);
            }
        }
        headers.add(text(BackboneHeaders.DLT_ORIGINAL_TOPIC, record.topic()));
        headers.add(text(BackboneHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition())));
        headers.add(text(BackboneHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset())));
        headers.add(text(BackboneHeaders.DLT_GROUP, group));
        headers.add(text(BackboneHeaders.DLT_EXCEPTION, envelope.rootCauseType()));
        headers.add(new Header(BackboneHeaders.DLT_FAILURE, mapper.writeValueAsBytes(envelope)));
        return publisher.publishRaw(deadLetterTopic(record.topic()), record.key(), record.value(), headers).get();
    }

    private static Header text(String name, String value) {
        return new Header(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
