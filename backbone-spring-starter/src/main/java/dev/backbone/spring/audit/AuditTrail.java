package dev.backbone.spring.audit;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.backbone.client.http.ChainVerification;

/**
 * A tamper-evident audit trail: entries appended to a hash-chained topic, verifiable at any time.
 * Implementations are thread-safe.
 */
public interface AuditTrail {

    /**
     * Appends an entry, synced to disk before the future completes.
     *
     * @param entry the entry
     * @return completes with the entry's offset in the audit topic
     */
    CompletableFuture<Long> record(AuditEntry entry);

    /**
     * Recomputes the audit topic's hash chain on the broker.
     *
     * @return the broker's verification report
     */
    ChainVerification verify();

    /**
     * Reads every entry still retained, oldest first. Reads the whole audit topic: meant for audits and the
     * Actuator endpoint, not for hot paths.
     *
     * @return the entries
     */
    List<AuditEntry> entries();
}
