package dev.backbone.replication.workload;

import dev.backbone.replication.history.History;
import dev.backbone.replication.history.Outcome;
import dev.backbone.replication.history.Poll;
import dev.backbone.replication.history.Read;
import dev.backbone.replication.history.Send;
import dev.backbone.replication.support.BrokerNode;
import dev.backbone.replication.support.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client process of a workload: produces one record at a time and polls, over the broker's JSON HTTP API,
 * recording every operation with its outcome into a {@link History}. Outcomes follow what the answer guarantees:
 * 200 is OK, a 4xx other than 408 and 429 is FAIL (refused, nothing appended), anything else (a 5xx such as 503
 * {@code no-leader}, a timeout, a refused or dropped connection) is UNKNOWN, because the write may have been
 * proposed before the answer was lost.
 *
 * <p>Thread safety: not thread-safe; one thread drives one client (Jepsen's process), many clients share one history.
 */
public final class RecordClient {

    private static final JsonMapper JSON = new JsonMapper();

    private final int process;
    private final String topic;
    private final History history;
    private final Duration timeout;

    public RecordClient(int process, String topic, History history, Duration timeout) {
        this.process = process;
        this.topic = topic;
        this.history = history;
        this.timeout = timeout;
    }

    public int process() {
        return process;
    }

    /** Produces {@code value} as one record to {@code partition} through {@code node}, under an optional key. */
    public Send send(BrokerNode node, int partition, String value, String idempotencyKey) {
        String url = node.baseUrl() + "/v1/topics/" + topic + "/partitions/" + partition + "/records";
        String body = "{\"records\": [{\"value\": " + JSON.writeValueAsString(value) + "}]}";
        long invoked = history.now();
        Outcome outcome;
        long offset = -1;
        String error = null;
        try {
            HttpResponse<String> answer = idempotencyKey == null ? Http.postJson(url, body, timeout)
                    : Http.postJson(url, body, timeout, "Idempotency-Key", idempotencyKey);
            outcome = outcomeOf(answer.statusCode());
            if (outcome == Outcome.OK) {
                offset = JSON.readTree(answer.body()).path("offsets").path(0).path("offset").asLong(-1);
            } else {
                error = answer.statusCode() + " " + abbreviate(answer.body());
            }
        } catch (RuntimeException e) {
            outcome = Outcome.UNKNOWN;
            error = String.valueOf(e.getCause() == null ? e : e.getCause());
        }
        if (outcome == Outcome.OK && offset < 0) {
            outcome = Outcome.UNKNOWN;
            error = "200 without an offset";
        }
        Send send = new Send(process, partition, value, idempotencyKey, invoked, history.now(), outcome, offset,
                node.id(), error);
        history.add(send);
        return send;
    }

    /** Polls {@code partition} from {@code offset} on {@code node}, at most {@code maxBytes}, without waiting. */
    public Poll poll(BrokerNode node, int partition, long offset, int maxBytes, boolean finalRead) {
        return poll(node, partition, offset, maxBytes, 0, finalRead);
    }

    /** Polls, waiting up to {@code maxWaitMs} on the broker when {@code offset} is its end (a long poll). */
    public Poll poll(BrokerNode node, int partition, long offset, int maxBytes, int maxWaitMs, boolean finalRead) {
        String url = node.baseUrl() + "/v1/topics/" + topic + "/partitions/" + partition + "/records?offset="
                + offset + "&maxBytes=" + maxBytes + "&maxWaitMs=" + maxWaitMs;
        long invoked = history.now();
        Outcome outcome;
        List<Read> reads = new ArrayList<>();
        long next = -1;
        try {
            HttpResponse<String> answer = Http.get(url, timeout);
            outcome = outcomeOf(answer.statusCode());
            if (outcome == Outcome.OK) {
                JsonNode root = JSON.readTree(answer.body());
                for (JsonNode record : root.path("records")) {
                    reads.add(new Read(record.path("offset").asLong(), record.path("value").asString()));
                }
                next = root.path("nextOffset").asLong(-1);
            }
        } catch (RuntimeException e) {
            outcome = Outcome.UNKNOWN;
        }
        Poll poll = new Poll(process, partition, offset, invoked, history.now(), outcome, reads, next, finalRead,
                node.id());
        history.add(poll);
        return poll;
    }

    static Outcome outcomeOf(int status) {
        if (status == 200) {
            return Outcome.OK;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return Outcome.FAIL;
        }
        return Outcome.UNKNOWN;
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
