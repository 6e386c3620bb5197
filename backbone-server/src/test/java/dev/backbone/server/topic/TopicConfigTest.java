package dev.backbone.server.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.server.log.FlushMode;
import dev.backbone.server.log.LogConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigTest {

    @Test
    void defaultsShowEveryKey() {
        TopicConfig config = TopicConfig.defaults(LogConfig.DEFAULT);
        assertThat(config.overrides()).isEmpty();
        assertThat(config.asMap()).containsOnlyKeys(TopicConfig.KEYS).containsEntry("flush", "none")
                .containsEntry("cleanup.policy", "delete").containsEntry("audit.chain", "false");
        assertThat(config.toLogConfig()).isEqualTo(LogConfig.DEFAULT);
    }

    @Test
    void overridesApplyToTheLogConfig() {
        TopicConfig config = TopicConfig.parse(Map.of("retention.ms", "-1", "retention.bytes", "1048576",
                "segment.bytes", "4096", "segment.ms", "1000", "flush", "SYNC", "max.message.bytes", "1000",
                "index.interval.bytes", "128", "cleanup.policy", "delete", "audit.chain", "true"), LogConfig.DEFAULT);
        LogConfig log = config.toLogConfig();
        assertThat(log.retentionMs()).isEqualTo(-1);
        assertThat(log.retentionBytes()).isEqualTo(1048576);
        assertThat(log.segmentBytes()).isEqualTo(4096);
        assertThat(log.segmentMs()).isEqualTo(1000);
        assertThat(log.flushMode()).isEqualTo(FlushMode.SYNC);
        assertThat(log.maxBatchBytes()).isEqualTo(1000);
        assertThat(log.indexIntervalBytes()).isEqualTo(128);
        assertThat(config.auditChain()).isTrue();
        assertThat(config.asMap()).containsEntry("flush", "sync").containsEntry("audit.chain", "true");
        assertThat(config.overrides()).hasSize(9);
        assertThat(TopicConfig.parse(config.overrides(), LogConfig.DEFAULT)).isEqualTo(config);
    }

    @ParameterizedTest
    @CsvSource({"retention.ms, 0", "retention.ms, -2", "retention.ms, soon", "retention.bytes, 0",
            "segment.bytes, 100", "segment.ms, 0", "flush, always", "max.message.bytes, 10",
            "max.message.bytes, 99999999999", "index.interval.bytes, 0", "cleanup.policy, compact",
            "audit.chain, yes", "unknown.key, 1", "retention.ms, ''"})
    void badKeysAndValuesAreRefusedByName(String key, String value) {
        assertThatThrownBy(() -> TopicConfig.parse(Map.of(key, value), LogConfig.DEFAULT))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(((InvalidConfigException) e).properties()).containsEntry("key", key));
    }
}
