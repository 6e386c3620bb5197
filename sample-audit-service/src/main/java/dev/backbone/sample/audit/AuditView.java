package dev.backbone.sample.audit;

import dev.backbone.spring.audit.AuditEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.springframework.stereotype.Component;

/**
 * The audit trail as a queryable view: every entry of the audit topic by its offset. Filled at start by
 * {@link AuditViewRebuild} and kept current by {@link AuditTopicListener}; both may deliver the same entry, which
 * lands on the same offset, so the view holds each entry once.
 *
 * <p>Thread safety: thread-safe.
 */
@Component
public class AuditView {

    /** One entry and where it is in the audit topic. */
    public record Row(long offset, Instant time, String actor, String action, String entityType, String entityId,
                      AuditEntry.Outcome outcome, Map<String, String> details) {

        static Row of(long offset, AuditEntry entry) {
            return new Row(offset, entry.time(), entry.actor(), entry.action(), entry.entityType(),
                    entry.entityId(), entry.outcome(), entry.details());
        }
    }

    private final ConcurrentSkipListMap<Long, Row> rows = new ConcurrentSkipListMap<>();

    public void add(long offset, AuditEntry entry) {
        rows.putIfAbsent(offset, Row.of(offset, entry));
    }

    /** Entries matching every given filter (null means any), oldest first; {@code to} is exclusive. */
    public List<Row> query(String entityId, String actor, Instant from, Instant to) {
        return rows.values().stream()
                .filter(r -> entityId == null || entityId.equals(r.entityId()))
                .filter(r -> actor == null || actor.equals(r.actor()))
                .filter(r -> from == null || !r.time().isBefore(from))
                .filter(r -> to == null || r.time().isBefore(to))
                .toList();
    }

    public int size() {
        return rows.size();
    }
}
