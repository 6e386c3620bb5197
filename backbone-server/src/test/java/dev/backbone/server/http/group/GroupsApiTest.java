package dev.backbone.server.http.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.http.group.Broker.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Consumer groups over real HTTP against a real broker. */
class GroupsApiTest {

    @TempDir
    static Path dataDir;

    private static Broker broker;

    @BeforeAll
    static void start() {
        broker = Broker.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void membersJoiningAndLeavingRebalanceTheGroup() {
        broker.createTopic("rebalance", 4);

        Response joinA = join("rb", "rebalance", 30_000);
        assertThat(joinA.status()).as(joinA.toString()).isEqualTo(201);
        String a = joinA.json().get("memberId").asString();
        assertThat(joinA.json().get("generation").asInt()).isEqualTo(1);
        assertThat(joinA.json().get("assignments")).hasSize(4);
        assertThat(joinA.json().get("assignments").get(0).get("committedOffset").isNull()).isTrue();

        Response joinB = join("rb", "rebalance", 30_000);
        String b = joinB.json().get("memberId").asString();
        assertThat(joinB.json().get("generation").asInt()).isEqualTo(2);

        JsonNode heartbeatA = heartbeat("rb", a).json();
        assertThat(heartbeatA.get("generation").asInt()).isEqualTo(2);
        assertThat(partitions(heartbeatA)).hasSize(2).doesNotContainAnyElementsOf(partitions(joinB.json()));

        assertThat(broker.delete("/v1/groups/rb/members/" + b).status()).isEqualTo(204);
        JsonNode afterLeave = heartbeat("rb", a).json();
        assertThat(afterLeave.get("generation").asInt()).isEqualTo(3);
        assertThat(partitions(afterLeave)).hasSize(4);

        Response gone = heartbeat("rb", b);
        assertProblem(gone, 404, "unknown-member");

        JsonNode described = broker.get("/v1/groups/rb").json();
        assertThat(described.get("generation").asInt()).isEqualTo(3);
        assertThat(described.get("state").asString()).isEqualTo("Stable");
        assertThat(described.get("members")).hasSize(1);
        assertThat(described.get("members").get(0).get("memberId").asString()).isEqualTo(a);
        assertThat(described.get("partitions")).hasSize(4);
    }

    @Test
    void aMemberThatStopsHeartbeatingTimesOutAndTheOthersTakeOver() throws Exception {
        broker.createTopic("timeouts", 2);
        String shortLived = join("to", "timeouts", 300).json().get("memberId").asString();
        String longLived = join("to", "timeouts", 30_000).json().get("memberId").asString();

        JsonNode takenOver = heartbeat("to", longLived).json();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (takenOver.get("assignments").size() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            takenOver = heartbeat("to", longLived).json();
        }

        assertThat(takenOver.get("generation").asInt()).as("joined, joined, expired").isEqualTo(3);
        assertThat(partitions(takenOver)).hasSize(2);
        assertProblem(heartbeat("to", shortLived), 404, "unknown-member");
    }

    @Test
    void staleAndForeignCommitsAreFenced() {
        broker.createTopic("fencing", 2);
        broker.produce("fencing", 0, "a", "b", "c");
        broker.produce("fencing", 1, "d");
        String a = join("fe", "fencing", 30_000).json().get("memberId").asString();
        assertThat(commit("fe", a, 1, "fencing", 0, 2).status()).isEqualTo(204);

        JsonNode joinB = join("fe", "fencing", 30_000).json();
        String b = joinB.get("memberId").asString();
        int bPartition = joinB.get("assignments").get(0).get("partition").asInt();
        int aPartition = 1 - bPartition;

        Response stale = commit("fe", a, 1, "fencing", aPartition, 1);
        assertProblem(stale, 409, "generation-fenced");
        assertThat(stale.json().get("currentGeneration").asInt()).isEqualTo(2);

        Response foreign = commit("fe", a, 2, "fencing", bPartition, 1);
        assertProblem(foreign, 409, "partition-not-owned");
        assertThat(foreign.json().get("partition").asInt()).isEqualTo(bPartition);

        assertProblem(commit("fe", "member-nobody", 2, "fencing", aPartition, 1), 404, "unknown-member");
        assertThat(commit("fe", b, 2, "fencing", bPartition, 1).status()).isEqualTo(204);

        JsonNode described = broker.get("/v1/groups/fe").json();
        JsonNode p0 = described.get("partitions").get(0);
        assertThat(p0.get("partition").asInt()).isZero();
        assertThat(p0.get("endOffset").asLong()).isEqualTo(3);
        long expectedCommitted = bPartition == 0 ? 1 : 2;
        assertThat(p0.get("committedOffset").asLong()).isEqualTo(expectedCommitted);
        assertThat(p0.get("lag").asLong()).isEqualTo(3 - expectedCommitted);
        assertThat(heartbeat("fe", b).json().get("assignments").get(0).get("committedOffset").asLong())
                .isEqualTo(1);
    }

    @Test
    void aGroupFetchReadsEveryAssignedPartitionAndContinuesFromTheCommit() {
        broker.createTopic("fetching", 3);
        broker.produce("fetching", 0, "p0-a", "p0-b");
        broker.produce("fetching", 2, "p2-a");
        JsonNode member = join("fg", "fetching", 30_000).json();
        String id = member.get("memberId").asString();

        JsonNode first = broker.get("/v1/groups/fg/members/" + id + "/records?maxWaitMs=0").json();

        assertThat(first.get("generation").asInt()).isEqualTo(1);
        List<String> seen = new ArrayList<>();
        first.get("records").forEach(r -> seen.add(r.get("topic").asString() + "/" + r.get("partition").asInt()
                + "/" + r.get("offset").asLong() + "=" + r.get("value").asString()));
        assertThat(seen).containsExactly("fetching/0/0=p0-a", "fetching/0/1=p0-b", "fetching/2/0=p2-a");
        JsonNode next = first.get("nextOffsets");
        assertThat(next).hasSize(3);
        assertThat(next.get(0).get("offset").asLong()).isEqualTo(2);
        assertThat(next.get(1).get("offset").asLong()).isZero();
        assertThat(next.get(2).get("offset").asLong()).isEqualTo(1);

        Response committed = broker.post("/v1/groups/fg/offsets", "{\"memberId\":\"" + id
                + "\",\"generation\":1,\"offsets\":" + next + "}");
        assertThat(committed.status()).as(committed.toString()).isEqualTo(204);
        broker.produce("fetching", 1, "p1-a");

        JsonNode second = broker.get("/v1/groups/fg/members/" + id + "/records?maxWaitMs=0").json();
        assertThat(second.get("records")).hasSize(1);
        assertThat(second.get("records").get(0).get("partition").asInt()).isEqualTo(1);

        JsonNode replay = broker.get("/v1/groups/fg/members/" + id + "/records?maxWaitMs=0&from=fetching:0:1")
                .json();
        assertThat(replay.get("records")).extracting(r -> r.get("value").asString()).containsExactly("p0-b", "p1-a");
        assertThat(broker.get("/actuator/prometheus").body())
                .as("group fetches count in the fetch meters: 3 + 1 + 2 records")
                .contains("backbone_fetch_records_total{topic=\"fetching\"} 6.0");
    }

    @Test
    void aWaitingGroupFetchWakesWhenAnyPartitionGetsData() throws Exception {
        broker.createTopic("waking", 3);
        String id = join("wk", "waking", 30_000).json().get("memberId").asString();
        long started = System.nanoTime();
        CompletableFuture<Response> waiting = broker.getAsync("/v1/groups/wk/members/" + id
                + "/records?maxWaitMs=20000");
        Thread.sleep(300);
        assertThat(waiting).isNotDone();

        broker.produce("waking", 2, "late");

        Response woken = waiting.get(20, TimeUnit.SECONDS);
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(elapsedMs).as("woken by the append, not by the end of the wait").isLessThan(10_000);
        JsonNode records = woken.json().get("records");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("partition").asInt()).isEqualTo(2);
        assertThat(records.get(0).get("value").asString()).isEqualTo("late");
    }

    @Test
    void aWaitingGroupFetchWakesOnARebalance() throws Exception {
        broker.createTopic("rewake", 2);
        String id = join("rw", "rewake", 30_000).json().get("memberId").asString();
        CompletableFuture<Response> waiting = broker.getAsync("/v1/groups/rw/members/" + id
                + "/records?maxWaitMs=20000");
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        long started = System.nanoTime();

        join("rw", "rewake", 30_000);

        JsonNode woken = waiting.get(20, TimeUnit.SECONDS).json();
        assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isLessThan(10_000);
        assertThat(woken.get("generation").asInt()).isEqualTo(2);
        assertThat(woken.get("nextOffsets")).hasSize(1);
    }

    @Test
    void groupsAreListedAndLagIsExported() throws Exception {
        broker.createTopic("lagging", 1);
        broker.produce("lagging", 0, "a", "b", "c", "d");
        String id = join("lg", "lagging", 30_000).json().get("memberId").asString();
        assertThat(commit("lg", id, 1, "lagging", 0, 1).status()).isEqualTo(204);

        JsonNode list = broker.get("/v1/groups").json().get("groups");
        Set<String> names = new HashSet<>();
        list.forEach(g -> names.add(g.get("group").asString()));
        assertThat(names).contains("lg");

        String expected = "backbone_group_lag{group=\"lg\",partition=\"0\",topic=\"lagging\"} 3.0";
        String scrape = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!scrape.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            scrape = broker.get("/actuator/prometheus").body();
        }
        assertThat(scrape).contains(expected);
    }

    @Test
    void badRequestsGetProblems() {
        broker.createTopic("bad", 1);
        assertProblem(broker.post("/v1/groups/g/members", "{not json"), 400, "malformed-json");
        assertProblem(broker.post("/v1/groups/g/members", "{\"topics\":[]}"), 400, "invalid-parameter");
        assertProblem(broker.post("/v1/groups/g/members", "{}"), 400, "invalid-parameter");
        assertProblem(broker.post("/v1/groups/bad%20name/members", "{\"topics\":[\"bad\"]}"), 400,
                "invalid-parameter");
        assertProblem(broker.post("/v1/groups/g/members", "{\"topics\":[\"no/slash\"]}"), 400, "invalid-parameter");
        assertProblem(join("g", "bad", 10), 400, "invalid-parameter");
        assertProblem(heartbeat("never", "member-x"), 404, "unknown-member");
        assertProblem(broker.delete("/v1/groups/never/members/member-x"), 404, "unknown-member");
        assertProblem(broker.get("/v1/groups/never"), 404, "unknown-group");
        assertProblem(broker.get("/v1/groups/never/members/member-x/records"), 404, "unknown-member");

        String id = join("bq", "bad", 30_000).json().get("memberId").asString();
        String records = "/v1/groups/bq/members/" + id + "/records";
        assertProblem(broker.get(records + "?maxWaitMs=soon"), 400, "invalid-parameter");
        assertProblem(broker.get(records + "?maxBytes=0"), 400, "invalid-parameter");
        assertProblem(broker.get(records + "?from=bad"), 400, "invalid-parameter");
        assertProblem(broker.get(records + "?from=bad:0:5"), 416, "offset-out-of-range");
        assertProblem(broker.get(records + "?from=other:0:0"), 409, "partition-not-owned");
        assertProblem(broker.post("/v1/groups/bq/offsets", "{\"memberId\":\"" + id + "\",\"offsets\":"
                + "[{\"topic\":\"bad\",\"partition\":0,\"offset\":0}]}"), 400, "invalid-parameter");
        assertProblem(broker.post("/v1/groups/bq/offsets", "{\"memberId\":\"" + id + "\",\"generation\":1,"
                + "\"offsets\":[{\"topic\":\"bad\",\"partition\":0}]}"), 400, "invalid-parameter");
        assertProblem(commit("bq", id, 1, "bad", 0, 99), 400, "invalid-parameter");
        assertProblem(broker.post("/v1/groups/bq/offsets", "{\"memberId\":\"" + id + "\",\"generation\":1,"
                + "\"offsets\":[{\"topic\":\"bad\",\"partition\":0,\"offset\":0},"
                + "{\"topic\":\"bad\",\"partition\":0,\"offset\":0}]}"), 400, "invalid-parameter");
        assertThat(broker.get("/v1/groups/bq").json().get("partitions").get(0).get("committedOffset").isNull())
                .as("nothing was committed by the refused requests").isTrue();
    }

    static Response join(String group, String topic, long sessionTimeoutMs) {
        return broker.post("/v1/groups/" + group + "/members", "{\"topics\":[\"" + topic + "\"],\"sessionTimeoutMs\":"
                + sessionTimeoutMs + "}");
    }

    static Response heartbeat(String group, String memberId) {
        return broker.post("/v1/groups/" + group + "/members/" + memberId + "/heartbeat");
    }

    static Response commit(String group, String memberId, int generation, String topic, int partition, long offset) {
        return broker.post("/v1/groups/" + group + "/offsets", "{\"memberId\":\"" + memberId + "\",\"generation\":"
                + generation + ",\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":" + partition
                + ",\"offset\":" + offset + "}]}");
    }

    static List<Integer> partitions(JsonNode member) {
        List<Integer> partitions = new ArrayList<>();
        member.get("assignments").forEach(a -> partitions.add(a.get("partition").asInt()));
        return partitions;
    }

    static void assertProblem(Response response, int status, String slug) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("https://backbone.dev/problems/" + slug);
    }
}
