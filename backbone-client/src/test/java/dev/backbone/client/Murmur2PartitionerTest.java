package dev.backbone.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class Murmur2PartitionerTest {

    @Test
    void hashesEqualKafkasOnRandomKeysOfEveryTailLength() {
        long seed = 81L;
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] key = new byte[i % 97];
            random.nextBytes(key);
            int partitions = 1 + random.nextInt(10_000);
            String context = "seed " + seed + ", key #" + i;
            assertThat(Murmur2Partitioner.murmur2(key)).as(context).isEqualTo(Utils.murmur2(key));
            assertThat(Murmur2Partitioner.partition(key, partitions)).as(context)
                    .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions)
                    .isBetween(0, partitions - 1);
        }
    }

    @Test
    void knownKeysLandWhereKafkaPutsThem() {
        // Values a Kafka producer computes for these keys; pinned so a change of either side shows.
        assertThat(Murmur2Partitioner.murmur2("21".getBytes(StandardCharsets.UTF_8))).isEqualTo(-973932308);
        assertThat(Murmur2Partitioner.murmur2("foobar".getBytes(StandardCharsets.UTF_8))).isEqualTo(-790332482);
        assertThat(Murmur2Partitioner.murmur2(new byte[0])).isEqualTo(275646681);
    }

    @Test
    void refusesANullKeyAndANonPositivePartitionCount() {
        assertThatThrownBy(() -> Murmur2Partitioner.partition(null, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Murmur2Partitioner.partition(new byte[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
