package dev.backbone.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.backbone.client.batch.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

class RecordJsonReaderTest {

    @Test
    void takesInlineValuesAsTheExactBytesSent() {
        String[] values = {"{\"a\" : [1, 2.50, \"},\\\"\"], \"b\":{}}", "[ ]", "12.50", "\"text, with } brace\"",
                "true", "-0.0e5", "{\"x\":\"caf\u00e9\"}"};
        for (String value : values) {
            for (String place : List.of("first", "last")) {
                String members = "\"offset\": 4, \"timestamp\": 9";
                String record = place.equals("first")
                        ? "{\"value\" :  " + value + " ,\n " + members + "}"
                        : "{" + members + ", \"value\":" + value + "  }";
                ConsumedRecord parsed = toRecord(record);
                assertThat(new String(parsed.value(), StandardCharsets.UTF_8)).as(record).isEqualTo(value);
                assertThat(parsed.offset()).isEqualTo(4);
            }
        }
    }

    @Test
    void decodesBase64ValuesKeysAndHeaders() {
        ConsumedRecord r = toRecord("{\"offset\": 1, \"timestamp\": 2, \"key\": \"/w==\", \"keyEncoding\": \"base64\","
                + " \"value\": \"AAEC\", \"valueEncoding\": \"base64\", \"headers\": {\"h\": [\"a\", null,"
                + " {\"base64\": \"gA==\"}], \"one\": \"\u00fc\"}}");
        assertThat(r.key()).containsExactly(0xff);
        assertThat(r.value()).containsExactly(0, 1, 2);
        assertThat(r.headers()).containsExactly(new Header("h", "a".getBytes(StandardCharsets.UTF_8)),
                new Header("h", null), new Header("h", new byte[] {(byte) 0x80}),
                new Header("one", "\u00fc".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.header("one")).isEqualTo("\u00fc");
        ConsumedRecord tombstone = toRecord("{\"offset\": 1, \"timestamp\": 2, \"value\": null, \"headers\": {}}");
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.key()).isNull();
    }

    @Test
    void readsAKeyStreamPage() {
        KeyStreamPage page = page("{\"version\": 3, \"offset\": 8, \"timestamp\": 5, \"key\": \"k\","
                + " \"value\": {\"type\": \"Paid\"}, \"headers\": {\"type\": \"Paid\"}}");
        assertThat(page.currentVersion()).isZero();
        assertThat(page.nextVersion()).isEqualTo(1);
        VersionedEvent e = page.events().get(0);
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.offset()).isEqualTo(8);
        assertThat(new String(e.jsonValue(), StandardCharsets.UTF_8)).isEqualTo("{\"type\": \"Paid\"}");
        assertThat(e.header("type")).isEqualTo("Paid");
    }

    @Test
    void sortsAGroupFetchIntoItsPartitions() {
        String body = "{\"group\":\"g\",\"memberId\":\"m\",\"generation\":3,\"records\":["
                + "{\"topic\":\"t\",\"partition\":1,\"offset\":5,\"timestamp\":1,\"value\":{\"n\":5},\"headers\":{}},"
                + "{\"topic\":\"u\",\"partition\":0,\"offset\":0,\"timestamp\":1,\"value\":7,\"headers\":{}},"
                + "{\"topic\":\"t\",\"partition\":1,\"offset\":6,\"timestamp\":1,\"value\":[6],\"headers\":{}}],"
                + "\"nextOffsets\":[{\"topic\":\"t\",\"partition\":0,\"offset\":2,\"endOffset\":2},"
                + "{\"topic\":\"t\",\"partition\":1,\"offset\":7,\"endOffset\":9},"
                + "{\"topic\":\"u\",\"partition\":0,\"offset\":1,\"endOffset\":1}]}";
        GroupFetchResult result = RecordJsonReader.groupFetch(body.getBytes(StandardCharsets.UTF_8));
        assertThat(result.generation()).isEqualTo(3);
        assertThat(result.recordCount()).isEqualTo(3);
        assertThat(result.partitions()).extracting(PartitionRecords::topic, PartitionRecords::partition,
                PartitionRecords::nextOffset, PartitionRecords::endOffset).containsExactly(
                tuple("t", 0, 2L, 2L), tuple("t", 1, 7L, 9L),
                tuple("u", 0, 1L, 1L));
        PartitionRecords t1 = result.partitions().get(1);
        assertThat(t1.records()).extracting(ConsumedRecord::offset).containsExactly(5L, 6L);
        assertThat(new String(t1.records().get(1).value(), StandardCharsets.UTF_8)).isEqualTo("[6]");
        assertThat(t1.lag()).isEqualTo(2);
    }

    private static ConsumedRecord toRecord(String record) {
        byte[] body = record.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = JsonMapper.builder().build().createParser(body)) {
            p.nextToken();
            return RecordJsonReader.record(p, body).record();
        }
    }

    private static KeyStreamPage page(String record) {
        String body = "{\"topic\":\"t\",\"partition\":0,\"key\":\"k\",\"currentVersion\":0,\"nextVersion\":1,"
                + "\"records\":[" + record + "]}";
        return RecordJsonReader.keyStreamPage(body.getBytes(StandardCharsets.UTF_8));
    }
}
