package dev.backbone.sample.audit;

import dev.backbone.spring.listener.BackboneListener;
import dev.backbone.spring.listener.BackboneRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The dead letters of {@code orders}: events the audit service could not read, with the failure the starter
 * recorded in their headers. Keeps the latest {@value #KEPT}; the topic itself keeps them all.
 *
 * <p>Thread safety: thread-safe.
 */
@Component
public class DeadLetters {

    static final int KEPT = 1000;

    /** One dead letter as the API shows it; the value as text, cut to 1 KiB. */
    public record DeadLetter(long offset, Instant timestamp, String key, Map<String, String> headers, String value) {
    }

    private final Deque<DeadLetter> latest = new ArrayDeque<>();

    @BackboneListener(topics = "orders.dlt", group = "audit-service-dead-letters")
    public void onDeadLetter(BackboneRecord<byte[]> record) {
        String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        if (value != null && value.length() > 1024) {
            value = value.substring(0, 1024);
        }
        synchronized (latest) {
            latest.addLast(new DeadLetter(record.offset(), record.timestamp(), record.key(), record.headers(), value));
            if (latest.size() > KEPT) {
                latest.removeFirst();
            }
        }
    }

    public List<DeadLetter> latest() {
        synchronized (latest) {
            return List.copyOf(latest);
        }
    }
}
