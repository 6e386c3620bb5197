package dev.backbone.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * A few plain HTTP calls to the processes under test; every call has a timeout.
 *
 * <p>Thread safety: thread-safe.
 */
public final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private static final Map<SSLContext, HttpClient> TLS_CLIENTS = new ConcurrentHashMap<>();

    private Http() {
    }

    public static HttpResponse<String> get(String url) {
        return send(CLIENT, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
    }

    /** A GET over TLS, trusting what {@code tls} trusts. */
    public static HttpResponse<String> get(String url, SSLContext tls) {
        return send(tlsClient(tls), HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build());
    }

    public static HttpResponse<String> postJson(String url, String json) {
        return send(CLIENT, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A JSON POST over TLS, trusting what {@code tls} trusts. */
    public static HttpResponse<String> postJson(String url, String json, SSLContext tls) {
        return send(tlsClient(tls), HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A GET with {@code Authorization: Bearer <token>}. */
    public static HttpResponse<String> getAuthorized(String url, String token) {
        return send(CLIENT, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build());
    }

    /** A JSON POST with {@code Authorization: Bearer <token>}. */
    public static HttpResponse<String> postJsonAuthorized(String url, String json, String token) {
        return send(CLIENT, HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpClient tlsClient(SSLContext tls) {
        return TLS_CLIENTS.computeIfAbsent(tls,
                t -> HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(t).build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + request.uri(), e);
        }
    }
}
