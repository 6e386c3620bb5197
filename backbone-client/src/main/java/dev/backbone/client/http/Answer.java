package dev.backbone.client.http;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * A complete HTTP answer: status, headers and the whole body (empty when the body was decoded in place).
 *
 * @param status  the HTTP status
 * @param headers the answer's headers
 * @param body    the body bytes, empty when there was none
 */
record Answer(int status, HttpHeaders headers, byte[] body) {

    /** A header as a long, or {@code otherwise} when absent or not a number. */
    long longHeader(String name, long otherwise) {
        String value = headers.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
