package dev.backbone.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.backbone.client.batch.RecordBatchDescriptor;
import dev.backbone.client.batch.RecordBatchHeader;
import dev.backbone.test.EmbeddedBroker;

/** The batches of a partition as the broker stores and serves them, read in the binary format. */
public final class StoredBatches {

    private StoredBatches() {
    }

    /** The header of every batch of the partition, first to last (up to 16 MiB of them). */
    public static List<RecordBatchHeader> headers(EmbeddedBroker broker, String topic, int partition)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(broker.url() + "/v1/topics/" + topic
                        + "/partitions/" + partition + "/records?offset=0&maxBytes=16777216"))
                .header("Accept", "application/vnd.backbone.batch").timeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        ByteBuffer body = ByteBuffer.wrap(response.body());
        List<RecordBatchHeader> headers = new ArrayList<>();
        for (int position = 0; body.limit() - position >= RecordBatchDescriptor.HEADER_SIZE; ) {
            RecordBatchHeader header = RecordBatchHeader.read(body, position);
            headers.add(header);
            position += header.sizeInBytes();
        }
        return headers;
    }
}
