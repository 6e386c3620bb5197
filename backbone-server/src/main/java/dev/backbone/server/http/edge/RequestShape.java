package dev.backbone.server.http.edge;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Checks of a request's shape that the fast path's routes share: a path segment Spring would read as it stands, and
 * media types a route meets as the annotated controller would.
 *
 * <p>Thread safety: stateless.
 */
final class RequestShape {

    private RequestShape() {
    }

    /**
     * Whether {@code path[from, to)} is one segment of letters, digits, {@code .}, {@code _} and {@code -}, and not
     * {@code .} or {@code ..}: a segment that percent-decoding, matrix variables and dot segments leave as it is.
     */
    static boolean isPlainSegment(String path, int from, int to) {
        if (to <= from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!plain) {
                return false;
            }
        }
        int length = to - from;
        return !(length <= 2 && path.substring(from, to).replace(".", "").isEmpty());
    }

    /** Whether {@code text[from, end)} is one or more ASCII letters. */
    static boolean isWord(String text, int from) {
        if (from >= text.length()) {
            return false;
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the request's root path is the application's (no base path in front). */
    static boolean atRoot(ServerHttpRequest request) {
        return request.getPath().contextPath().value().isEmpty();
    }

    /** {@code Content-Type} is exactly one {@code application/json}. */
    static boolean sendsJson(ServerHttpRequest request) {
        List<String> values = request.getHeaders().get(HttpHeaders.CONTENT_TYPE);
        return values != null && values.size() == 1
                && MediaType.APPLICATION_JSON_VALUE.equalsIgnoreCase(values.get(0));
    }

    /** {@code Accept} is absent, or exactly one {@code application/json} or wildcard. */
    static boolean acceptsJson(ServerHttpRequest request) {
        List<String> values = request.getHeaders().get(HttpHeaders.ACCEPT);
        if (values == null || values.isEmpty()) {
            return true;
        }
        return values.size() == 1 && (MediaType.APPLICATION_JSON_VALUE.equalsIgnoreCase(values.get(0))
                || MediaType.ALL_VALUE.equals(values.get(0)));
    }
}
