package dev.backbone.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backbone.client.batch.Header;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonProduceParserTest {

    @Test
    void valuesKeepTheClientsExactText() {
        String[] values = {"{ \"a\" :  [1, 2.50,\n {\"b\": null}] }", "\"caf\\u00e9 \\\"quoted\\\"\"", "1e400",
                "-0", "true", "[]", "\"\"", "123456789012345678901234567890"};
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\": ").append(values[i]).append(" }");
        }
        body.append("]}");
        List<ProducedRecord> records = parse(body.toString());
        assertThat(records).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8)).isEqualTo(values[i]);
        }
    }

    /** String values are cut by a word-at-a-time scan: quotes and escapes at every position of a word. */
    @Test
    void stringValuesWithEscapesAtEveryPositionKeepTheirExactText() {
        long seed = 1_414L;
        java.util.Random random = new java.util.Random(seed);
        String[] pieces = {"a", "Z", "\\\"", "\\\\", "\\n", "\\u00e9", "é", "€", "\\/", " "};
        for (int round = 0; round < 300; round++) {
            StringBuilder literal = new StringBuilder("\"");
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                literal.append(pieces[random.nextInt(pieces.length)]);
            }
            literal.append('"');
            String base64 = java.util.Base64.getEncoder().encodeToString(literal.toString()
                    .getBytes(StandardCharsets.UTF_8));
            String body = "{\"records\":[{\"value\":" + literal + ",\"key\":\"k\"},{\"value\":\"" + base64
                    + "\",\"valueEncoding\":\"base64\"}]}";
            List<ProducedRecord> records = parse(body);
            String context = "seed " + seed + ", round " + round + ": " + literal;
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).as(context)
                    .isEqualTo(literal.toString());
            assertThat(records.get(0).key()).as(context).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(records.get(1).value(), StandardCharsets.UTF_8)).as(context)
                    .isEqualTo(literal.toString());
        }
        assertThatThrownBy(() -> parse("{\"records\":[{\"value\":\"never ends}]}"))
                .isInstanceOfSatisfying(BackboneException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.MALFORMED_JSON));
    }

    /** A string value's end is found from the token after it, across any whitespace and the comma between. */
    @Test
    void stringValuesEndWhereverTheNextTokenStarts() {
        String[] separators = {"", " ", ",", " , ", "\n,\r\n\t", "\t"};
        for (String separator : separators) {
            boolean comma = separator.contains(",");
            String body = "{\"records\":[{\"value\":\"a,\\\" \"" + separator + (comma ? "\"key\":\"k\"" : "")
                    + "}]}";
            ProducedRecord record = parse(body).get(0);
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).as(body).isEqualTo("\"a,\\\" \"");
            byte[] line = ("{\"value\" : \"x\"" + separator + (comma ? "\"key\":\"k\"" : "") + "}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(JsonProduceParser.parseOne(line, line.length, 0).value()).as(body)
                    .isEqualTo("\"x\"".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** String and structured values are ranges of the body, not copies; numbers and literals get their own array. */
    @Test
    void valuesAreRangesOfTheBody() {
        byte[] body = "{\"records\":[{\"value\":\"text\"},{\"value\":{\"a\":[1]}},{\"value\":12}]}"
                .getBytes(StandardCharsets.UTF_8);
        List<ProducedRecord> records = JsonProduceParser.parse(body, body.length);
        assertThat(records.get(0).valueArray()).isSameAs(body);
        assertThat(new String(body, records.get(0).valueOffset(), records.get(0).valueLength(),
                StandardCharsets.UTF_8)).isEqualTo("\"text\"");
        assertThat(records.get(1).valueArray()).isSameAs(body);
        assertThat(new String(records.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1]}");
        assertThat(records.get(2).valueArray()).isNotSameAs(body).isEqualTo("12".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyMemberIsRead() {
        List<ProducedRecord> records = parse("{\"records\": [{\"key\": \"k\u00e9\", \"value\": {\"x\": 1},"
                + " \"headers\": {\"a\": \"1\", \"n\": null, \"rep\": [\"x\", {\"base64\": \"AP8=\"}]},"
                + " \"partition\": 3, \"timestamp\": 1767225600000},"
                + " {\"key\": \"AAEC\", \"keyEncoding\": \"base64\", \"valueEncoding\": \"base64\", \"value\": \"/w==\"},"
                + " {\"value\": null, \"headers\": null}, {}]}");
        ProducedRecord first = records.get(0);
        assertThat(first.key()).isEqualTo("k\u00e9".getBytes(StandardCharsets.UTF_8));
        assertThat(first.partition()).isEqualTo(3);
        assertThat(first.timestampMs()).isEqualTo(1767225600000L);
        assertThat(first.headers()).extracting(Header::key).containsExactly("a", "n", "rep", "rep");
        assertThat(first.headers().get(1).value()).isNull();
        assertThat(first.headers().get(3).value()).containsExactly(0, 0xff);
        assertThat(records.get(1).key()).containsExactly(0, 1, 2);
        assertThat(records.get(1).value()).containsExactly(0xff);
        assertThat(records.get(2).value()).isNull();
        assertThat(records.get(3).value()).isNull();
        assertThat(records.get(3).key()).isNull();
        assertThat(records.get(3).partition()).isNull();
    }

    @Test
    void sizeCountsKeyValueAndHeaders() {
        ProducedRecord record = parse("{\"records\": [{\"key\": \"ab\", \"value\": \"xyz\", \"headers\": {\"h\": \"12\"}}]}")
                .get(0);
        assertThat(record.sizeInBytes()).isEqualTo(2 + 5 + 1 + 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[]", "{\"records\": 1}", "{\"records\": []}", "{\"other\": []}",
            "{\"records\": [{\"value\": 1}]}{}", "{\"records\": [{\"key\": []}]}", "{\"records\": [{\"partition\": -1}]}",
            "{\"records\": [{\"partition\": 1.5}]}", "{\"records\": [{\"timestamp\": \"now\"}]}",
            "{\"records\": [{\"value\": 1, \"valueEncoding\": \"base64\"}]}",
            "{\"records\": [{\"value\": \"x\", \"valueEncoding\": \"hex\"}]}",
            "{\"records\": [{\"headers\": {\"h\": {\"base64\": 1}}}]}", "{\"records\": [{\"headers\": []}]}",
            "{\"records\": [{\"value\": tru}]}", "{\"records\": [{\"value\": \"unterminated}]}"})
    void badBodiesAreMalformedJson(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(BackboneException.class)
                .satisfies(e -> assertThat(((BackboneException) e).type()).isEqualTo(ProblemType.MALFORMED_JSON));
    }

    private static List<ProducedRecord> parse(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return JsonProduceParser.parse(bytes, bytes.length);
    }
}
