package dev.backbone.server.error;

import dev.backbone.client.batch.InvalidBatchException;
import dev.backbone.server.log.LogClosedException;
import dev.backbone.server.log.OffsetOutOfRangeException;
import dev.backbone.server.log.io.OpenFileLimit;
import io.netty.handler.timeout.ReadTimeoutException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;

/**
 * The one place that decides which problem a failure becomes. Domain exceptions carry their own
 * {@link ProblemType}; engine, codec and framework exceptions are translated here so that every layer may throw
 * what is natural to it and the client still sees one stable vocabulary.
 *
 * <p>Thread safety: stateless.
 */
public final class ProblemMapper {

    private static final System.Logger LOG = System.getLogger(ProblemMapper.class.getName());

    /** Maps {@code failure} to the problem the client sees; logs unexpected failures once, here. */
    public Problem map(Throwable failure, String instance) {
        Throwable error = unwrap(failure);
        if (error instanceof BackboneException backbone) {
            return new Problem(backbone.type(), backbone.detail(), instance, backbone.properties(), backbone.headers());
        }
        if (error instanceof InvalidBatchException batch) {
            return new Problem(batchType(batch.reason()), batch.getMessage(), instance,
                    batch.position() >= 0 ? Map.of("position", batch.position()) : Map.of());
        }
        if (error instanceof OffsetOutOfRangeException range) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("offset", range.requestedOffset());
            facts.put("startOffset", range.logStartOffset());
            facts.put("endOffset", range.logEndOffset());
            return new Problem(ProblemType.OFFSET_OUT_OF_RANGE, range.getMessage(), instance, facts);
        }
        if (error instanceof LogClosedException closed) {
            return new Problem(ProblemType.UNAVAILABLE, closed.getMessage(), instance, Map.of());
        }
        if (error instanceof ReadTimeoutException) {
            return new Problem(ProblemType.REQUEST_TIMEOUT, "the request body stopped arriving", instance, Map.of());
        }
        if (error instanceof DataBufferLimitException limit) {
            return new Problem(ProblemType.REQUEST_TOO_LARGE, limit.getMessage(), instance, Map.of());
        }
        if (error instanceof JacksonException json) {
            return new Problem(ProblemType.MALFORMED_JSON, json.getOriginalMessage(), instance, Map.of());
        }
        if (error instanceof ResponseStatusException status) {
            return mapStatus(status, instance);
        }
        if (OpenFileLimit.isExhaustion(error)) {
            return tooManyOpenFiles(error, instance);
        }
        LOG.log(Level.ERROR, "unexpected failure serving " + instance, error);
        return new Problem(ProblemType.INTERNAL_ERROR, error.getClass().getSimpleName() + ": " + error.getMessage(),
                instance, Map.of());
    }

    private static Problem tooManyOpenFiles(Throwable error, String instance) {
        long limit = OpenFileLimit.maxFileDescriptors();
        LOG.log(Level.WARNING, "out of file descriptors (limit " + limit + ") serving " + instance + ": " + error);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("maxOpenFiles", limit);
        facts.put("openFiles", OpenFileLimit.openFileDescriptors());
        return new Problem(ProblemType.TOO_MANY_OPEN_FILES, "the broker reached its limit of " + limit
                + " open files (ulimit -n); nothing of this request was kept, and what is open keeps serving."
                + " Raise the limit or close partitions", instance, facts);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable error = failure;
        // Reactor wraps checked exceptions thrown inside fromCallable; the cause is the real failure.
        while (error.getCause() != null && error.getClass().getName().startsWith("reactor.core.Exceptions$")) {
            error = error.getCause();
        }
        return error;
    }

    private static ProblemType batchType(InvalidBatchException.Reason reason) {
        return switch (reason) {
            case MALFORMED -> ProblemType.MALFORMED_BATCH;
            case CRC_MISMATCH -> ProblemType.CORRUPT_BATCH;
            case UNSUPPORTED_MAGIC, UNSUPPORTED_COMPRESSION -> ProblemType.UNSUPPORTED_BATCH;
            case TOO_LARGE -> ProblemType.BATCH_TOO_LARGE;
        };
    }

    private static Problem mapStatus(ResponseStatusException status, String instance) {
        String reason = status.getReason() != null ? status.getReason() : status.getMessage();
        if (status instanceof UnsupportedMediaTypeStatusException media) {
            return new Problem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + media.getContentType() + " is not accepted here", instance,
                    Map.of("supported", MediaType.toString(media.getSupportedMediaTypes())));
        }
        if (status instanceof NotAcceptableStatusException acceptable) {
            return new Problem(ProblemType.NOT_ACCEPTABLE, reason, instance,
                    Map.of("supported", MediaType.toString(acceptable.getSupportedMediaTypes())));
        }
        if (status instanceof MethodNotAllowedException method) {
            return new Problem(ProblemType.METHOD_NOT_ALLOWED, reason, instance,
                    Map.of("allowed", method.getSupportedMethods().toString()));
        }
        if (status instanceof ServerWebInputException input) {
            if (input.getCause() instanceof DecodingException || input.getCause() instanceof JacksonException) {
                return new Problem(ProblemType.MALFORMED_JSON, input.getCause().getMessage(), instance, Map.of());
            }
            return new Problem(ProblemType.INVALID_PARAMETER, reason, instance, Map.of());
        }
        int code = status.getStatusCode().value();
        ProblemType type = switch (code) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.REQUEST_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ProblemType.UNAVAILABLE;
            default -> code >= 400 && code < 500 ? ProblemType.INVALID_PARAMETER : ProblemType.INTERNAL_ERROR;
        };
        return new Problem(type, reason, instance, Map.of());
    }
}
