package dev.backbone.server.security;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * JWTs signed by a test RSA key whose JWK set a local HTTP server publishes: a good token authenticates as its
 * {@code sub} and gets what its scope maps to and its principal's ACLs; a wrong issuer, an expired token and a bad
 * signature answer 401 with an {@code invalid_token} challenge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthenticationTest extends SecuredBrokerTest {

    private static final String TOPIC = "sec-jwt";

    @BeforeAll
    void setUp() {
        root().post().uri("/v1/topics").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"" + TOPIC + "\"}").exchange().expectStatus().isCreated();
    }

    @Test
    void aGoodTokenGetsWhatItsScopeAndItsPrincipalsAclsAllow() {
        as(ISSUER.token("jwt-user", "sec.describe other")).get().uri("/v1/topics/" + TOPIC).exchange()
                .expectStatus().isOk();
        as(ISSUER.token("jwt-user", "other")).get().uri("/v1/topics/" + TOPIC).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.detail").value(detail ->
                        org.assertj.core.api.Assertions.assertThat((String) detail).contains("'jwt-user'"));
        String read = "/v1/topics/" + TOPIC + "/partitions/0/records?offset=0";
        as(ISSUER.token("jwt-user", "")).get().uri(read).exchange().expectStatus().isForbidden();
        allow("jwt-user", "topic", TOPIC, "literal", "read");
        as(ISSUER.token("jwt-user", "")).get().uri(read).accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk();
    }

    @Test
    void badTokensAnswer401WithAnInvalidTokenChallenge() {
        Map<String, String> tokens = Map.of(
                "wrong issuer", ISSUER.tokenFromIssuer("jwt-user", "https://elsewhere.test"),
                "expired", ISSUER.expiredToken("jwt-user"),
                "bad signature", ISSUER.tokenWithBadSignature("jwt-user"),
                "garbage", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        tokens.forEach((kind, token) -> as(token).get().uri("/v1/topics/" + TOPIC).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"backbone\","
                        + " error=\"invalid_token\".*")
                .expectBody().jsonPath("$.type").isEqualTo("https://backbone.dev/problems/unauthenticated"));
    }
}
