package dev.backbone.server.http.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.backbone.client.batch.Record;
import dev.backbone.server.http.RecordJson;
import dev.backbone.server.http.cloudevents.CloudEventJson;
import dev.backbone.server.http.cloudevents.CloudEventKafkaMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two wire forms of a live consume stream.
 *
 * <ul>
 *   <li>SSE ({@code text/event-stream}): per record {@code id: <offset>}, {@code event: record} and one
 *       {@code data:} line holding the record's consume JSON (or, with {@code format=cloudevents},
 *       {@code event: cloudevent} and the record as a structured CloudEvent); heartbeats are comment lines; a
 *       failure is {@code event: error} with the problem as data, after which the stream ends.</li>
 *   <li>NDJSON ({@code application/x-ndjson}): one consume JSON record per line; heartbeats are empty lines
 *       (skip them); a failure is a line {@code {"error": <problem>}}, after which the stream ends.</li>
 * </ul>
 *
 * <p>Stored JSON values are inlined as they were sent, and may contain line breaks between tokens; those are
 * turned into spaces, which changes no JSON value (inside JSON strings, line breaks are always escaped), so every
 * record stays on one line as both framings need.
 *
 * <p>Thread safety: immutable.
 */
public final class LiveStreamFormat {

    private static final byte[] SSE_HEARTBEAT = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NDJSON_HEARTBEAT = "\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean sse;
    private final boolean cloudEvents;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CloudEventJson cloudEventJson;

    /**
     * @param sse         SSE framing, else NDJSON
     * @param cloudEvents records as structured CloudEvents (SSE only)
     */
    public LiveStreamFormat(boolean sse, boolean cloudEvents, CloudEventJson cloudEventJson) {
        this.sse = sse;
        this.cloudEvents = cloudEvents;
        this.cloudEventJson = cloudEventJson;
    }

    public byte[] records(String topic, int partition, List<Record> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 256);
        for (Record record : records) {
            byte[] body = cloudEvents
                    ? cloudEventJson.writeStructured(CloudEventKafkaMapping.fromRecord(topic, partition, record))
                    : RecordJson.toJson(record);
            oneLine(body);
            if (sse) {
                write(out, "id: " + record.offset() + "\nevent: " + (cloudEvents ? "cloudevent" : "record")
                        + "\ndata: ");
                out.writeBytes(body);
                write(out, "\n\n");
            } else {
                out.writeBytes(body);
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    public byte[] heartbeat() {
        return sse ? SSE_HEARTBEAT : NDJSON_HEARTBEAT;
    }

    /** The last message of a stream that failed. */
    public byte[] error(Map<String, Object> problem) {
        byte[] body = JSON.writeValueAsBytes(sse ? problem : Map.of("error", problem));
        oneLine(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 32);
        if (sse) {
            write(out, "event: error\ndata: ");
            out.writeBytes(body);
            write(out, "\n\n");
        } else {
            out.writeBytes(body);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static void oneLine(byte[] json) {
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                json[i] = ' ';
            }
        }
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
    }
}
