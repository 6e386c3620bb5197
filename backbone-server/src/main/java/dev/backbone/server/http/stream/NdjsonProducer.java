package dev.backbone.server.http.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.Problem;
import dev.backbone.server.error.ProblemMapper;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.error.ProblemWebExceptionHandler;
import dev.backbone.server.http.JsonProduceParser;
import dev.backbone.server.http.ProduceService;
import dev.backbone.server.http.ProducedRecord;
import dev.backbone.server.http.RecordOffset;
import dev.backbone.server.log.FlushMode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming produce: an NDJSON body, one record per line in the shape of one element of the JSON produce's
 * {@code records} array, appended as the lines arrive; the answer streams back one NDJSON line per record,
 * {@code {"partition":p,"offset":o}}, in request order.
 *
 * <p>Lines are cut by {@link NdjsonLineSplitter} and appended group by group (each group through
 * {@link ProduceService#produce}, so atomically per partition); the next group is taken from the body only when
 * the previous append is done ({@code concatMap} with prefetch 1), so a fast client is slowed down by TCP
 * back-pressure instead of filling the heap, whatever the size of its body. The per-request size limit does not
 * apply; the per-record limit does, to each line's record.
 *
 * <p>The first bad line (malformed JSON, a record over the limit, a line over the line limit) or a failed append
 * ends the stream: the lines before it are stored and answered, then one line {@code {"error": <problem>}} names the
 * failure (with {@code "line"}, the 1-based line number, where it applies), and the rest of the body is not read.
 *
 * <p>Thread safety: thread-safe; every call builds its own pipeline.
 */
public final class NdjsonProducer {

    /** Limits of one stream. */
    public record Limits(int maxLineBytes, int maxRecordBytes, int batchRecords, int batchBytes) {
    }

    private record GroupResult(byte[] lines, boolean failed) {
    }

    private final ProduceService produceService;
    private final ProblemMapper problemMapper;
    private final JsonMapper json;
    private final Limits limits;

    public NdjsonProducer(ProduceService produceService, ProblemMapper problemMapper, JsonMapper json, Limits limits) {
        this.produceService = produceService;
        this.problemMapper = problemMapper;
        this.json = json;
        this.limits = limits;
    }

    /**
     * The answer lines, one chunk per appended group.
     *
     * @param instance the request path, for error lines
     */
    public Flux<byte[]> produce(String topic, Flux<DataBuffer> body, FlushMode flush, String instance) {
        return NdjsonLineSplitter.groups(body, limits.maxLineBytes(), limits.batchRecords(), limits.batchBytes())
                .concatMap(group -> append(topic, group, flush, instance), 1)
                .takeUntil(GroupResult::failed)
                .map(GroupResult::lines)
                .onErrorResume(error -> Mono.just(errorLine(error, -1, instance)));
    }

    private Mono<GroupResult> append(String topic, List<NdjsonLine> group, FlushMode flush, String instance) {
        List<ProducedRecord> records = new ArrayList<>(group.size());
        byte[] failure = null;
        for (NdjsonLine line : group) {
            try {
                records.add(parse(line));
            } catch (BackboneException e) {
                failure = errorLine(e, line.number(), instance);
                break;
            }
        }
        if (records.isEmpty()) {
            return Mono.just(new GroupResult(failure == null ? new byte[0] : failure, failure != null));
        }
        byte[] lineFailure = failure;
        long firstLine = group.get(0).number();
        return produceService.produce(topic, records, flush)
                .map(offsets -> {
                    byte[] answered = offsetLines(offsets);
                    if (lineFailure == null) {
                        return new GroupResult(answered, false);
                    }
                    byte[] both = new byte[answered.length + lineFailure.length];
                    System.arraycopy(answered, 0, both, 0, answered.length);
                    System.arraycopy(lineFailure, 0, both, answered.length, lineFailure.length);
                    return new GroupResult(both, true);
                })
                .onErrorResume(error -> Mono.just(new GroupResult(errorLine(error, firstLine, instance), true)));
    }

    private ProducedRecord parse(NdjsonLine line) {
        if (line.tooLong()) {
            throw new BackboneException(ProblemType.RECORD_TOO_LARGE, "line " + line.number() + " is longer than "
                    + limits.maxLineBytes() + " bytes", Map.of("limitBytes", limits.maxLineBytes()));
        }
        ProducedRecord record;
        try {
            record = JsonProduceParser.parseOne(line.bytes(), line.bytes().length, line.number());
        } catch (BackboneException e) {
            throw new BackboneException(e.type(), "line " + line.number() + ": " + e.detail(), e.properties(), e);
        }
        int size = record.sizeInBytes();
        if (size > limits.maxRecordBytes()) {
            throw new BackboneException(ProblemType.RECORD_TOO_LARGE, "line " + line.number() + " holds a record of "
                    + size + " bytes of key, value and headers; at most " + limits.maxRecordBytes()
                    + " are accepted", Map.of("sizeBytes", size, "limitBytes", limits.maxRecordBytes()));
        }
        return record;
    }

    private static byte[] offsetLines(List<RecordOffset> offsets) {
        StringBuilder lines = new StringBuilder(offsets.size() * 28);
        for (RecordOffset offset : offsets) {
            lines.append("{\"partition\":").append(offset.partition())
                    .append(",\"offset\":").append(offset.offset()).append("}\n");
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The line {@code {"error": <problem>}} for {@code error}; {@code lineNumber} > 0 adds {@code "line"}. */
    public byte[] errorLine(Throwable error, long lineNumber, String instance) {
        Problem problem = problemMapper.map(error, instance);
        Map<String, Object> body = new LinkedHashMap<>(ProblemWebExceptionHandler.toBody(problem));
        if (lineNumber > 0) {
            body.putIfAbsent("line", lineNumber);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        json.writeValue(out, Map.of("error", body));
        out.write('\n');
        return out.toByteArray();
    }
}
