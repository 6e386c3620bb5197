package dev.backbone.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A token issuer for tests: an RSA key whose public half a small HTTP server on 127.0.0.1 serves as a JWK set, and
 * tokens signed by it (or, for the bad-signature case, by another key under the same key id).
 */
final class TestIssuer implements AutoCloseable {

    static final String ISSUER = "https://issuer.backbone.test";
    private static final String KEY_ID = "test-key";

    private final RSAKey key;
    private final RSAKey impostor;
    private final HttpServer server;

    private TestIssuer(RSAKey key, RSAKey impostor, HttpServer server) {
        this.key = key;
        this.impostor = impostor;
        this.server = server;
    }

    static TestIssuer start() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
            RSAKey impostor = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
            return new TestIssuer(key, impostor, server);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException("could not start the test issuer", e);
        }
    }

    String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    /** A good token for {@code subject} with {@code scope} (space-separated), valid for five minutes. */
    String token(String subject, String scope) {
        return sign(key, claims(subject, scope, ISSUER, Instant.now().plus(Duration.ofMinutes(5))));
    }

    String tokenFromIssuer(String subject, String issuer) {
        return sign(key, claims(subject, "", issuer, Instant.now().plus(Duration.ofMinutes(5))));
    }

    String expiredToken(String subject) {
        return sign(key, claims(subject, "", ISSUER, Instant.now().minus(Duration.ofMinutes(10))));
    }

    String tokenWithBadSignature(String subject) {
        return sign(impostor, claims(subject, "", ISSUER, Instant.now().plus(Duration.ofMinutes(5))));
    }

    private static JWTClaimsSet claims(String subject, String scope, String issuer, Instant expiresAt) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(issuer).claim("scope", scope)
                .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(10))))
                .expirationTime(Date.from(expiresAt)).build();
    }

    private static String sign(RSAKey with, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY_ID).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a test token", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
