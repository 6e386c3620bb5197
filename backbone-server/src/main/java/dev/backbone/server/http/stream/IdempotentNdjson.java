package dev.backbone.server.http.stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.http.idempotency.IdempotencyCache;
import dev.backbone.server.http.idempotency.IdempotencyKeyReusedException;
import dev.backbone.server.http.idempotency.RequestDigest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} for streaming (NDJSON) produce, whose digest and answer are known only at the end.
 *
 * <p>The first request under a key streams as usual while its body is hashed as it is read, and its answer lines
 * are kept (up to {@code maxAnswerBytes}). When it ends, the key remembers the digest of the body bytes it read
 * (all of them, or those up to where a bad line stopped it) and the answer. A retry waits for the first request to
 * end, hashes the same number of its own body bytes and, when they match (and, if the first read its whole body,
 * the retry's body has the same length), gets the first answer again, error line included, and appends nothing; a
 * different body is {@code 422 idempotency-key-reused}. If the first request's client went away mid-stream, its
 * answer ends with an error line saying so, and a retry gets that: the lines above it are what was stored, so the
 * client resends the rest under a new key. An answer larger than the limit is not kept; a retry then gets
 * {@code 409 idempotent-answer-not-kept}.
 *
 * <p>Thread safety: thread-safe; each request has its own state.
 */
final class IdempotentNdjson {

    private final NdjsonProducer producer;
    private final int maxAnswerBytes;

    IdempotentNdjson(NdjsonProducer producer, int maxAnswerBytes) {
        this.producer = producer;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** The first request: runs {@code produce} over the hashed body and settles the claim when it ends. */
    Flux<byte[]> runFirst(IdempotencyCache.StreamClaim claim, String target, Flux<DataBuffer> body, String instance,
                          Function<Flux<DataBuffer>, Flux<byte[]>> produce) {
        return Flux.defer(() -> {
            RequestDigest digest = new RequestDigest(target);
            long[] length = {0};
            AtomicBoolean wholeBody = new AtomicBoolean();
            AtomicBoolean settled = new AtomicBoolean();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            boolean[] overflow = {false};
            Flux<DataBuffer> hashed = body.doOnNext(buffer -> {
                synchronized (digest) {
                    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
                        while (views.hasNext()) {
                            digest.update(views.next());
                        }
                    }
                    length[0] += buffer.readableByteCount();
                }
            }).doOnComplete(() -> wholeBody.set(true));
            return produce.apply(hashed)
                    .doOnNext(lines -> {
                        synchronized (answer) {
                            if (!overflow[0] && answer.size() + lines.length > maxAnswerBytes) {
                                overflow[0] = true;
                                answer.reset();
                            }
                            if (!overflow[0]) {
                                answer.writeBytes(lines);
                            }
                        }
                    })
                    .doOnComplete(() -> settle(claim, settled, digest, length, wholeBody.get(), answer, overflow,
                            null))
                    .doOnCancel(() -> settle(claim, settled, digest, length, false, answer, overflow,
                            producer.errorLine(new BackboneException(ProblemType.UNAVAILABLE, "the first request"
                                    + " with this Idempotency-Key was cut off by its client; the lines above are what"
                                    + " it stored"), -1, instance)));
        });
    }

    /** A retry: the first request's answer when the retry's body matches, else a 422. */
    Mono<byte[]> replay(IdempotencyCache.StreamClaim claim, String target, Flux<DataBuffer> body, String topic,
                        String key) {
        return claim.original().flatMap(original -> {
            if (!original.isStream()) {
                return Mono.error(new IdempotencyKeyReusedException(topic, key));
            }
            IdempotencyCache.StreamDigest first = original.stream();
            RequestDigest digest = new RequestDigest(target);
            long[] seen = {0};
            return body.map(buffer -> {
                try {
                    long wanted = first.length() - seen[0];
                    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
                        while (views.hasNext() && wanted > 0) {
                            ByteBuffer view = views.next();
                            if (view.remaining() > wanted) {
                                view.limit(view.position() + (int) wanted);
                            }
                            wanted -= view.remaining();
                            digest.update(view);
                        }
                    }
                    int count = buffer.readableByteCount();
                    seen[0] += count;
                    return count;
                } finally {
                    DataBufferUtils.release(buffer);
                }
            }).then(Mono.fromCallable(() -> {
                boolean same = seen[0] >= first.length() && (!first.wholeBody() || seen[0] == first.length())
                        && Arrays.equals(digest.digest(), first.digest());
                if (!same) {
                    throw new IdempotencyKeyReusedException(topic, key);
                }
                if (original.answer() == IdempotencyCache.STREAM_ANSWER_NOT_KEPT) {
                    throw new BackboneException(ProblemType.IDEMPOTENT_ANSWER_NOT_KEPT, "the first request with"
                            + " Idempotency-Key '" + key + "' answered more than " + maxAnswerBytes
                            + " bytes, more than the broker keeps; it was stored, and is not appended again",
                            Map.of("idempotencyKey", key, "limitBytes", maxAnswerBytes));
                }
                return (byte[]) original.answer();
            }));
        });
    }

    private static void settle(IdempotencyCache.StreamClaim claim, AtomicBoolean settled, RequestDigest digest,
                               long[] length, boolean wholeBody, ByteArrayOutputStream answer, boolean[] overflow,
                               byte[] trailer) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        IdempotencyCache.StreamDigest streamDigest;
        synchronized (digest) {
            streamDigest = new IdempotencyCache.StreamDigest(length[0], digest.digest(), wholeBody);
        }
        Object kept;
        synchronized (answer) {
            if (overflow[0]) {
                kept = IdempotencyCache.STREAM_ANSWER_NOT_KEPT;
            } else {
                if (trailer != null) {
                    answer.writeBytes(trailer);
                }
                kept = answer.toByteArray();
            }
        }
        claim.complete(streamDigest, kept);
    }
}
