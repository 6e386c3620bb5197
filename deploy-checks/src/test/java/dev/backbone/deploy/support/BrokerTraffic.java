package dev.backbone.deploy.support;

import java.time.Duration;
import java.util.Optional;

/**
 * A little of everything the dashboard shows, sent to a broker so that every per-topic, per-group and per-status
 * series exists: a produce and a fetch on {@code orders}, a group member on it (lag), and a 404.
 *
 * <p>Thread safety: stateless.
 */
public final class BrokerTraffic {

    public static final String TOPIC = "orders";
    public static final String GROUP = "billing";

    private BrokerTraffic() {
    }

    public static void send(String baseUrl) {
        var produced = Http.postJson(baseUrl + "/v1/topics/" + TOPIC + "/records",
                "{\"records\": [{\"key\": \"order-1\", \"value\": {\"total\": 12.5}},"
                        + " {\"key\": \"order-2\", \"value\": {\"total\": 3}}]}");
        expect(produced.statusCode(), 200, produced.body());
        var fetched = Http.get(baseUrl + "/v1/topics/" + TOPIC + "/partitions/0/records?offset=0");
        expect(fetched.statusCode(), 200, fetched.body());
        var joined = Http.postJson(baseUrl + "/v1/groups/" + GROUP + "/members",
                "{\"topics\": [\"" + TOPIC + "\"], \"sessionTimeoutMs\": 300000}");
        expect(joined.statusCode(), 201, joined.body());
        expect(Http.get(baseUrl + "/v1/topics/no-such-topic").statusCode(), 404, "unknown topic");
    }

    /** Waits until the broker's scrape shows {@code series} (the group lag is refreshed on an interval). */
    public static String awaitSeries(String scrapeUrl, String series, Duration timeout) {
        return Deadline.await(series + " at " + scrapeUrl, timeout, () -> {
            String body = Http.get(scrapeUrl).body();
            return PrometheusText.seriesNames(body).contains(series) ? Optional.of(body) : Optional.empty();
        });
    }

    private static void expect(int status, int expected, String body) {
        if (status != expected) {
            throw new AssertionError("Expected " + expected + ", got " + status + ": " + body);
        }
    }
}
