package dev.backbone.sample.audit;

import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.ConsumedRecord;
import dev.backbone.client.http.FetchOptions;
import dev.backbone.client.http.FetchResult;
import dev.backbone.client.http.UnknownTopicException;
import dev.backbone.spring.audit.AuditEntry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rebuilds the {@link AuditView} at start by reading the audit topic from its first retained offset to its end.
 * The listener's consumer group remembers where it stopped, so without this a restarted service would show only
 * what came after.
 *
 * <p>Thread safety: runs once, at start.
 */
@Component
public class AuditViewRebuild implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AuditViewRebuild.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PAGE_BYTES = 1 << 20;

    private final BackboneClient client;
    private final JsonMapper mapper;
    private final AuditView view;
    private final String topic;

    public AuditViewRebuild(BackboneClient client, JsonMapper mapper, AuditView view,
                            @Value("${backbone.audit.topic:audit}") String topic) {
        this.client = client;
        this.mapper = mapper;
        this.view = view;
        this.topic = topic;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            long offset = client.offsets(topic, 0).block(TIMEOUT).startOffset();
            while (true) {
                FetchResult page = client.fetch(topic, 0, offset, new FetchOptions(PAGE_BYTES, Duration.ZERO))
                        .block(TIMEOUT);
                for (ConsumedRecord record : page.records()) {
                    if (record.value() != null) {
                        view.add(record.offset(), mapper.readValue(record.value(), AuditEntry.class));
                    }
                }
                if (page.records().isEmpty() || page.nextOffset() >= page.endOffset()) {
                    break;
                }
                offset = page.nextOffset();
            }
            log.info("audit view rebuilt from topic '{}': {} entries", topic, view.size());
        } catch (UnknownTopicException e) {
            log.info("audit topic '{}' does not exist yet: the view starts empty", topic);
        }
    }
}
