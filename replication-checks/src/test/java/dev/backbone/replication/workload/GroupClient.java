package dev.backbone.replication.workload;

import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One consumer-group member over plain HTTP, talking to one broker (as a client behind a load-balanced address
 * does): join, heartbeat, fetch its partitions, commit what it fetched. Every call answers the raw response, so
 * tests see the broker's status and problem type.
 *
 * <p>Thread safety: not thread-safe; one member per thread.
 */
public final class GroupClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String group;
    private final String topic;
    private final Duration sessionTimeout;
    private String memberId;
    private int generation;

    public GroupClient(String group, String topic, Duration sessionTimeout) {
        this.group = group;
        this.topic = topic;
        this.sessionTimeout = sessionTimeout;
    }

    public String memberId() {
        return memberId;
    }

    public int generation() {
        return generation;
    }

    /** Joins through {@code broker}; on 201 this client becomes the new member. */
    public HttpResponse<String> join(BrokerNode broker) {
        HttpResponse<String> answer = Http.postJson(broker.baseUrl() + "/v1/groups/" + group + "/members",
                "{\"topics\":[\"" + topic + "\"],\"sessionTimeoutMs\":" + sessionTimeout.toMillis() + "}", TIMEOUT);
        if (answer.statusCode() == 201) {
            adopt(JSON.readTree(answer.body()));
        }
        return answer;
    }

    public HttpResponse<String> heartbeat(BrokerNode broker) {
        HttpResponse<String> answer = Http.postJson(broker.baseUrl() + "/v1/groups/" + group + "/members/"
                + memberId + "/heartbeat", "", TIMEOUT);
        if (answer.statusCode() == 200) {
            adopt(JSON.readTree(answer.body()));
        }
        return answer;
    }

    /** The committed offset of each assigned partition in the last join or heartbeat answer, by partition. */
    public static List<Long> committedOffsets(HttpResponse<String> memberAnswer, int partitions) {
        List<Long> offsets = new ArrayList<>(Collections.nCopies(partitions, (Long) null));
        for (JsonNode assignment : JSON.readTree(memberAnswer.body()).path("assignments")) {
            JsonNode committed = assignment.path("committedOffset");
            offsets.set(assignment.path("partition").asInt(), committed.isNull() ? null : committed.asLong());
        }
        return offsets;
    }

    /** One group fetch that does not wait; the records' offsets and the {@code nextOffsets} array to commit. */
    public Fetched fetch(BrokerNode broker) {
        HttpResponse<String> answer = Http.get(broker.baseUrl() + "/v1/groups/" + group + "/members/" + memberId
                + "/records?maxWaitMs=0", TIMEOUT);
        if (answer.statusCode() != 200) {
            throw new AssertionError("group fetch through " + broker.id() + ": " + answer.statusCode() + " "
                    + answer.body());
        }
        JsonNode root = JSON.readTree(answer.body());
        List<long[]> records = new ArrayList<>();
        for (JsonNode record : root.path("records")) {
            records.add(new long[] {record.path("partition").asLong(), record.path("offset").asLong()});
        }
        return new Fetched(records, root.path("nextOffsets").toString());
    }

    /** Commits {@code nextOffsetsJson} (a group fetch's {@code nextOffsets}) as this member's current generation. */
    public HttpResponse<String> commit(BrokerNode broker, String nextOffsetsJson) {
        return Http.postJson(broker.baseUrl() + "/v1/groups/" + group + "/offsets", "{\"memberId\":\"" + memberId
                + "\",\"generation\":" + generation + ",\"offsets\":" + nextOffsetsJson + "}", TIMEOUT);
    }

    /** The committed offset of every partition of the topic, as the group's coordinator describes it. */
    public static List<Long> describedOffsets(BrokerNode broker, String group, int partitions) {
        HttpResponse<String> answer = Http.get(broker.baseUrl() + "/v1/groups/" + group, TIMEOUT);
        if (answer.statusCode() != 200) {
            throw new AssertionError("describe " + group + " through " + broker.id() + ": " + answer.statusCode()
                    + " " + answer.body());
        }
        List<Long> offsets = new ArrayList<>(Collections.nCopies(partitions, (Long) null));
        for (JsonNode p : JSON.readTree(answer.body()).path("partitions")) {
            JsonNode committed = p.path("committedOffset");
            offsets.set(p.path("partition").asInt(), committed.isNull() ? null : committed.asLong());
        }
        return offsets;
    }

    /**
     * The id of the broker that coordinates {@code group} in {@code asked}'s view: asked with {@code ?redirect=true},
     * a broker that coordinates it answers itself, any other names the coordinator in {@code Location}. Empty while
     * there is none (503) or {@code asked} does not answer.
     */
    public static Optional<String> coordinator(BrokerNode asked, List<BrokerNode> brokers, String group) {
        HttpResponse<String> answer;
        try {
            answer = Http.get(asked.baseUrl() + "/v1/groups/" + group + "?redirect=true", Duration.ofSeconds(3));
        } catch (RuntimeException unreachable) {
            return Optional.empty();
        }
        if (answer.statusCode() == 307) {
            String location = answer.headers().firstValue("Location").orElseThrow();
            return brokers.stream().filter(b -> location.startsWith(b.baseUrl())).map(BrokerNode::id).findFirst();
        }
        return answer.statusCode() == 200 || answer.statusCode() == 404 ? Optional.of(asked.id()) : Optional.empty();
    }

    public static String problemType(HttpResponse<String> answer) {
        JsonNode type = JSON.readTree(answer.body().isEmpty() ? "{}" : answer.body()).path("type");
        return type.isMissingNode() ? "" : type.asString().substring(type.asString().lastIndexOf('/') + 1);
    }

    private void adopt(JsonNode member) {
        memberId = member.path("memberId").asString();
        generation = member.path("generation").asInt();
    }

    /** What a group fetch returned: (partition, offset) of each record, and the offsets to commit. */
    public record Fetched(List<long[]> records, String nextOffsetsJson) {
    }
}
