package dev.backbone.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ReplicationNotAvailableTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(ReplicationNotAvailable.class);

    @Test
    void aPeerListStopsTheStartSayingWhy() {
        runner.withPropertyValues("backbone.cluster.node-id=b0",
                        "backbone.cluster.peers=b0=10.0.0.1:9870:8080,b1=10.0.0.2:9870:8080,b2=10.0.0.3:9870:8080")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("does not replicate partitions yet")
                            .hasMessageContaining("Unset backbone.cluster.peers");
                });
    }

    @Test
    void withoutPeersTheBrokerStartsAsASingleNode() {
        runner.run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(ReplicationNotAvailable.class));
    }
}
