package dev.backbone.bench.load;

/**
 * The credential the load generator sends to a broker in {@code enforce} mode: the {@value #VARIABLE} environment
 * variable (an API key {@code bb_...} or a JWT), read from the environment rather than the command line so that
 * it does not show in the process list. Unset or blank: no {@code Authorization} header.
 */
final class BrokerToken {

    static final String VARIABLE = "BACKBONE_TOKEN";

    private static final String TOKEN = read();

    private BrokerToken() {
    }

    private static String read() {
        String token = System.getenv(VARIABLE);
        return token == null || token.isBlank() ? null : token.trim();
    }

    /** The token, or null. */
    static String token() {
        return TOKEN;
    }

    /** The header line for a raw HTTP/1.1 request head, CRLF included; empty without a token. */
    static String headerLine() {
        return TOKEN == null ? "" : "Authorization: Bearer " + TOKEN + "\r\n";
    }
}
