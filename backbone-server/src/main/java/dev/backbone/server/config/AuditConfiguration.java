package dev.backbone.server.config;

import dev.backbone.server.audit.AuditChains;
import dev.backbone.server.http.AuditScheduler;
import dev.backbone.server.http.FileSafeScheduler;
import dev.backbone.server.topic.TopicRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires audit chains: the chains of every audited topic (attached as the topic registry opens or creates it, and
 * closed before the registry and the engine on shutdown) and the scheduler verifications run on.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    /** Verifications hash whole partitions; two at a time and a short queue keep them from crowding the disk. */
    private static final int VERIFY_THREADS = 2;
    private static final int VERIFY_QUEUE = 16;

    @Bean(destroyMethod = "close")
    AuditChains auditChains(TopicRegistry registry) {
        return new AuditChains(registry);
    }

    @Bean(destroyMethod = "close")
    AuditScheduler auditScheduler() {
        return new AuditScheduler(new FileSafeScheduler(VERIFY_THREADS, VERIFY_QUEUE, "backbone-audit"));
    }
}
