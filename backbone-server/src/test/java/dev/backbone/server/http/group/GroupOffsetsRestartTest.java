package dev.backbone.server.http.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.http.group.Broker.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Committed offsets live in the offsets topic and come back after a restart; membership does not. */
class GroupOffsetsRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void committedOffsetsSurviveARestartAndGenerationsKeepRising() {
        String member;
        int generation;
        try (Broker broker = Broker.start(dataDir)) {
            broker.createTopic("events", 2);
            broker.produce("events", 0, "a", "b", "c");
            broker.produce("events", 1, "d", "e");
            join(broker);
            broker.delete("/v1/groups/billing/members/" + join(broker).json().get("memberId").asString());
            JsonNode last = broker.post("/v1/groups/billing/members/"
                    + broker.get("/v1/groups/billing").json().get("members").get(0).get("memberId").asString()
                    + "/heartbeat").json();
            member = last.get("memberId").asString();
            generation = last.get("generation").asInt();
            assertThat(generation).isEqualTo(3);
            commit(broker, member, generation, 0, 1);
            commit(broker, member, generation, 0, 3);
            commit(broker, member, generation, 1, 1);
        }

        try (Broker broker = Broker.start(dataDir)) {
            JsonNode described = broker.get("/v1/groups/billing").json();
            assertThat(described.get("state").asString()).isEqualTo("Empty");
            assertThat(described.get("members")).isEmpty();
            assertThat(described.get("partitions")).hasSize(2);
            assertThat(described.get("partitions").get(0).get("committedOffset").asLong()).isEqualTo(3);
            assertThat(described.get("partitions").get(0).get("lag").asLong()).isZero();
            assertThat(described.get("partitions").get(1).get("committedOffset").asLong()).isEqualTo(1);
            assertThat(described.get("partitions").get(1).get("lag").asLong()).isEqualTo(1);

            assertThat(broker.post("/v1/groups/billing/members/" + member + "/heartbeat").status())
                    .as("membership is not kept across a restart").isEqualTo(404);
            JsonNode rejoined = join(broker).json();
            assertThat(rejoined.get("generation").asInt()).isGreaterThan(generation);
            assertThat(rejoined.get("assignments").get(0).get("committedOffset").asLong()).isEqualTo(3);
            JsonNode fetched = broker.get("/v1/groups/billing/members/" + rejoined.get("memberId").asString()
                    + "/records?maxWaitMs=0").json();
            assertThat(fetched.get("records")).extracting(r -> r.get("value").asString()).containsExactly("e");
        }
    }

    private static Response join(Broker broker) {
        return broker.post("/v1/groups/billing/members", "{\"topics\":[\"events\"],\"sessionTimeoutMs\":30000}");
    }

    private static void commit(Broker broker, String member, int generation, int partition, long offset) {
        Response response = broker.post("/v1/groups/billing/offsets", "{\"memberId\":\"" + member
                + "\",\"generation\":" + generation + ",\"offsets\":[{\"topic\":\"events\",\"partition\":"
                + partition + ",\"offset\":" + offset + "}]}");
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
    }
}
