package dev.backbone.server.http.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.testing.Await;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker behind TLS from a Spring Boot SSL bundle of PEM files: binary and JSON consume answers are the same
 * bytes over TLS as over plain HTTP (the binary one is sent in chunks instead of with sendfile, since the bytes must
 * be encrypted); replacing the certificate files makes new connections get the new certificate without a restart;
 * and the actuator, on its own plain management port, shows health details there while the API port has none.
 */
class TlsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONSUME = "/v1/topics/secret/partitions/0/records?offset=0&maxBytes=67108864";

    @TempDir
    Path dataDir;

    @TempDir
    Path certificates;

    @Test
    void consumeIsByteIdenticalOverTlsAndTheCertificateReloadsWithoutRestart() throws Exception {
        long seed = System.nanoTime();
        System.out.println("TlsTest seed " + seed);
        TestCertificates.Identity first = TestCertificates.selfSigned("backbone-first", 1);
        TestCertificates.Identity second = TestCertificates.selfSigned("backbone-second", 2);
        Path cert = certificates.resolve("server.crt");
        Path key = certificates.resolve("server.key");
        TestCertificates.writePem(first, cert, key);
        SSLContext trust = TestCertificates.trusting(first.certificate(), second.certificate());
        HttpClient https = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();

        byte[] tlsBatches;
        String tlsJson;
        try (EdgeBroker broker = EdgeBroker.start(dataDir,
                "server.ssl.bundle=edge",
                "spring.ssl.bundle.pem.edge.keystore.certificate=file:" + cert,
                "spring.ssl.bundle.pem.edge.keystore.private-key=file:" + key,
                "spring.ssl.bundle.pem.edge.reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=100ms",
                "management.server.port=0",
                "management.server.address=127.0.0.1",
                "management.server.ssl.enabled=false",
                "management.endpoint.health.show-details=always")) {
            String base = "https://127.0.0.1:" + broker.port();
            produce(https, base, new Random(seed));

            tlsBatches = https.send(HttpRequest.newBuilder(URI.create(base + CONSUME))
                    .header("Accept", "application/vnd.backbone.batch").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            tlsJson = https.send(HttpRequest.newBuilder(URI.create(base + CONSUME)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(tlsBatches.length).as("several MB, many chunks").isGreaterThan(2_000_000);
            assertThat(JSON.readTree(tlsJson).path("records").size()).isEqualTo(24);

            actuatorIsOnItsOwnPort(broker, https, base);

            assertThat(servedSerial(trust, broker.port())).isEqualTo(BigInteger.ONE);
            TestCertificates.writePem(second, cert, key);
            Await.until(() -> BigInteger.TWO.equals(servedSerial(trust, broker.port())),
                    "new connections get the replaced certificate", Duration.ofSeconds(30));
            assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/v1/topics")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }

        try (EdgeBroker plain = EdgeBroker.start(dataDir)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + plain.port();
            byte[] plainBatches = http.send(HttpRequest.newBuilder(URI.create(base + CONSUME))
                    .header("Accept", "application/vnd.backbone.batch").build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            String plainJson = http.send(HttpRequest.newBuilder(URI.create(base + CONSUME)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(tlsBatches).isEqualTo(plainBatches);
            assertThat(tlsJson).isEqualTo(plainJson);
        }
    }

    private static void produce(HttpClient https, String base, Random random) throws Exception {
        for (int request = 0; request < 8; request++) {
            StringBuilder body = new StringBuilder("{\"records\": [");
            for (int i = 0; i < 3; i++) {
                body.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(random.nextInt(100))
                        .append("\", \"value\": \"").append(randomText(random, 100_000 + random.nextInt(20_000)))
                        .append("\"}");
            }
            body.append("]}");
            HttpResponse<String> produced = https.send(HttpRequest.newBuilder(URI.create(base
                            + "/v1/topics/secret/records")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
        }
    }

    private static void actuatorIsOnItsOwnPort(EdgeBroker broker, HttpClient https, String base) throws Exception {
        String management = "http://127.0.0.1:" + broker.managementPort();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(management
                + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("dataDirectory").path("details").path("freeBytes").asLong())
                .isPositive();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(management + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    /** The serial number of the certificate a fresh TLS connection is served, or null when none could be made. */
    private static BigInteger servedSerial(SSLContext trust, int port) {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (Exception e) {
            return null;
        }
    }

    private static String randomText(Random random, int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(text);
    }
}
