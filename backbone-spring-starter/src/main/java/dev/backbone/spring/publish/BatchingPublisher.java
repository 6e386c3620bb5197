package dev.backbone.spring.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.backbone.client.batch.Header;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.spring.observation.PublishObservationContext;
import dev.backbone.spring.serde.BackboneHeaders;
import dev.backbone.spring.serde.PayloadSerde;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The {@link BackbonePublisher}: writes the payload on the calling thread, puts the record in a bounded buffer and
 * returns; one background thread batches per partition and sends through the client's idempotent producer, so a
 * request retried after a lost answer is never stored twice.
 *
 * <p>Thread-safe. {@link #close()} sends what is buffered (waiting up to the delivery timeout) and stops.
 */
public final class BatchingPublisher implements BackbonePublisher, AutoCloseable {

    private final PayloadSerde serde;

    private final PublisherSettings settings;

    private final ObservationRegistry observations;

    private final PublisherSender sender;

    private final Thread senderThread;

    private final AtomicLong bufferedBytes = new AtomicLong();

    /** The event-type header of each payload class, made once: without observation it is a record's only header. */
    private final ConcurrentMap<Class<?>, List<Header>> eventTypeHeaders = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /**
     * @param client       the broker client
     * @param serde        the payload writer
     * @param settings     batching and timeouts
     * @param observations where publish observations go ({@link ObservationRegistry#NOOP} for none)
     */
    public BatchingPublisher(BackboneClient client, PayloadSerde serde, PublisherSettings settings,
                             ObservationRegistry observations) {
        this.serde = serde;
        this.settings = settings;
        this.observations = observations;
        this.sender = new PublisherSender(client, settings, r -> bufferedBytes.addAndGet(-r.sizeBytes));
        this.senderThread = new Thread(sender, "backbone-publisher");
        this.senderThread.setDaemon(true);
        this.senderThread.start();
    }

    @Override
    public CompletableFuture<PublishResult> publish(String topic, String key, Object payload,
                                                    Map<String, String> headers) {
        if (headers.isEmpty() && observations.isNoop()) {
            return publishUnobserved(topic, key, payload);
        }
        Map<String, String> carrier = new LinkedHashMap<>(headers);
        if (payload != null && !(payload instanceof byte[])) {
            carrier.put(BackboneHeaders.EVENT_TYPE, serde.eventTypeOf(payload));
        }
        // The context is made only when a registry observes: without one, a publish pays nothing for it.
        Observation observation = Observation.createNotStarted(PublishObservationContext.NAME,
                () -> new PublishObservationContext(topic, key, carrier), observations).start();
        CompletableFuture<PublishResult> future;
        try {
            byte[] value = serde.serialize(payload);
            future = enqueue(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                    toHeaders(carrier));
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        if (observation.isNoop()) {
            return future;
        }
        return future.whenComplete((result, error) -> {
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        });
    }

    /** Nothing to observe and no caller headers: no header map, and the event-type header shared per class. */
    private CompletableFuture<PublishResult> publishUnobserved(String topic, String key, Object payload) {
        try {
            byte[] value = serde.serialize(payload);
            List<Header> recordHeaders = payload == null || payload instanceof byte[] ? List.of()
                    : eventTypeHeaders.computeIfAbsent(payload.getClass(), type -> List.of(new Header(
                            BackboneHeaders.EVENT_TYPE, serde.eventTypeOf(payload).getBytes(StandardCharsets.UTF_8))));
            return enqueue(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, recordHeaders);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Publishes bytes as they are, with the caller's headers only (the dead-letter path).
     *
     * @param topic   the topic
     * @param key     key bytes, or null
     * @param value   value bytes, or null
     * @param headers headers in order
     * @return completes with where it was stored
     */
    public CompletableFuture<PublishResult> publishRaw(String topic, byte[] key, byte[] value, List<Header> headers) {
        return enqueue(topic, key, value, headers);
    }

    /**
     * The last error a send met, or null after the last send succeeded.
     *
     * @return the error or null
     */
    public Throwable lastError() {
        return sender.lastError();
    }

    private CompletableFuture<PublishResult> enqueue(String topic, byte[] key, byte[] value, List<Header> headers) {
        CompletableFuture<PublishResult> future = new CompletableFuture<>();
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("publisher is closed"));
        }
        PendingRecord record = new PendingRecord(topic, key, value, headers,
                System.nanoTime() + settings.deliveryTimeout().toNanos(), future);
        long after = bufferedBytes.addAndGet(record.sizeBytes);
        if (after > settings.bufferBytes()) {
            bufferedBytes.addAndGet(-record.sizeBytes);
            return CompletableFuture.failedFuture(
                    new PublisherBufferFullException(after - record.sizeBytes, record.sizeBytes, settings.bufferBytes()));
        }
        sender.offer(record);
        return future;
    }

    private static List<Header> toHeaders(Map<String, String> carrier) {
        List<Header> list = new ArrayList<>(carrier.size());
        carrier.forEach((name, text) -> list.add(new Header(name, text.getBytes(StandardCharsets.UTF_8))));
        return list;
    }

    @Override
    public void close() {
        closed = true;
        sender.close();
        try {
            senderThread.join(settings.deliveryTimeout().toMillis() + TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
