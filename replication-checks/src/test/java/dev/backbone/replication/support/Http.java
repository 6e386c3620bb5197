package dev.backbone.replication.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP calls to the brokers under test; every call has a timeout, so a paused or partitioned broker turns into
 * an exception, never a hung test. Redirects are not followed: a 307 is an answer the checks look at.
 *
 * <p>Thread safety: thread-safe.
 */
public final class Http {

    /** The timeout of the fixtures' own calls (readiness, set-up); operations under test pass their own. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private Http() {
    }

    public static HttpResponse<String> get(String url) {
        return get(url, DEFAULT_TIMEOUT);
    }

    public static HttpResponse<String> get(String url, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
    }

    /** A GET of raw bytes with {@code Accept: accept}. */
    public static HttpResponse<byte[]> getBytes(String url, String accept, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", accept)
                .GET().build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + url, e);
        }
    }

    public static HttpResponse<String> postJson(String url, String json) {
        return postJson(url, json, DEFAULT_TIMEOUT);
    }

    public static HttpResponse<String> postJson(String url, String json, Duration timeout) {
        return send(jsonPost(url, json, timeout).build());
    }

    /** A JSON POST with extra headers given as name, value, name, value. */
    public static HttpResponse<String> postJson(String url, String json, Duration timeout, String... headers) {
        HttpRequest.Builder builder = jsonPost(url, json, timeout);
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    private static HttpRequest.Builder jsonPost(String url, String json, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + request.uri(), e);
        }
    }
}
