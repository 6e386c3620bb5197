package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.client.Murmur2Partitioner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Key streams across broker restarts: after a clean stop (the index table is loaded from its snapshot) and after
 * the index files were damaged by hand (the chain cut mid-entry, the snapshot gone), versions and reads are as
 * before and conditional appends go on.
 */
class KeyStreamRestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void keyStreamsSurviveARestartAndADamagedIndex() throws IOException {
        try (BrokerProcess broker = BrokerProcess.start(dataDir)) {
            broker.client().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"ks-restart\", \"partitions\": 2}").exchange().expectStatus().isCreated();
            for (int v = 0; v < 5; v++) {
                append(broker, "a", v - 1, "{\"records\": [{\"value\": " + v + "}]}", 200);
            }
            broker.client().post().uri("/v1/topics/ks-restart/records").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"records\": [{\"key\": \"b\", \"value\": 0}, {\"key\": \"b\", \"value\": 1},"
                            + " {\"key\": \"b\", \"value\": 2}]}").exchange().expectStatus().isOk();
        }

        try (BrokerProcess broker = BrokerProcess.start(dataDir)) {
            assertStream(broker, "a", 5);
            assertStream(broker, "b", 3);
            append(broker, "a", 3, "{\"records\": [{\"value\": 99}]}", 409);
            append(broker, "a", 4, "{\"records\": [{\"value\": 5}]}", 200);
        }

        // Damage the index of the partitions by hand: cut each chain in the middle of an entry, drop the snapshot.
        for (int p = 0; p < 2; p++) {
            Path partition = dataDir.resolve("ks-restart-" + p);
            Files.deleteIfExists(partition.resolve("keys.snapshot"));
            try (FileChannel chain = FileChannel.open(partition.resolve("keys.chain"), StandardOpenOption.WRITE)) {
                chain.truncate(chain.size() / 2 + 1);
            }
        }
        try (BrokerProcess broker = BrokerProcess.start(dataDir)) {
            assertStream(broker, "a", 6);
            assertStream(broker, "b", 3);
            append(broker, "a", 6, "{\"records\": [{\"value\": 99}]}", 409);
            append(broker, "a", 5, "{\"records\": [{\"value\": 6}]}", 200);
            append(broker, "b", 2, "{\"records\": [{\"value\": 3}]}", 200);
            assertStream(broker, "a", 7);
            assertStream(broker, "b", 4);
        }
    }

    private static void append(BrokerProcess broker, String key, int expectedVersion, String body, int status) {
        broker.client().post().uri("/v1/topics/ks-restart/keys/" + key + "/records?expectedVersion=" + expectedVersion)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status);
    }

    /** The stream holds records with values 0..count-1 at versions 0..count-1. */
    private static void assertStream(BrokerProcess broker, String key, int count) {
        JsonNode stream = JSON.readTree(broker.client().get().uri("/v1/topics/ks-restart/keys/" + key + "/records")
                .exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"" + (count - 1) + "\"")
                .expectBody().returnResult().getResponseBody());
        assertThat(stream.path("currentVersion").asInt()).isEqualTo(count - 1);
        assertThat(stream.path("partition").asInt())
                .isEqualTo(Murmur2Partitioner.partition(key.getBytes(StandardCharsets.UTF_8), 2));
        JsonNode records = stream.path("records");
        assertThat(records).hasSize(count);
        for (int v = 0; v < count; v++) {
            assertThat(records.get(v).path("version").asInt()).isEqualTo(v);
            assertThat(records.get(v).path("value").asInt()).isEqualTo(v);
        }
    }
}
