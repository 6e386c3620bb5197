package dev.backbone.server.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * One change to the cluster's topics, as the metadata group's Raft entries carry it.
 *
 * <pre>
 * kind (byte: 1 create, 2 config, 3 delete) | name (UTF) | partitions (int32) | override count (int32)
 * | override key (UTF), value (UTF) ...
 * </pre>
 *
 * (UTF as {@link DataOutputStream#writeUTF} writes it.) {@code partitions} is 0 and there are no overrides for a
 * deletion; a config change carries the topic's complete overrides, not a patch, so applying it twice is harmless.
 *
 * @param kind       what changes
 * @param name       the topic
 * @param partitions the partition count of a creation
 * @param overrides  the topic's config overrides after the change
 */
public record TopicChange(Kind kind, String name, int partitions, Map<String, String> overrides) {

    public enum Kind { CREATE, CONFIG, DELETE }

    public TopicChange {
        overrides = Map.copyOf(overrides);
    }

    public ByteString encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(kind.ordinal() + 1);
            out.writeUTF(name);
            out.writeInt(partitions);
            Map<String, String> sorted = new TreeMap<>(overrides);
            out.writeInt(sorted.size());
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.flush();
            return ByteString.copyFrom(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IOException when the bytes are not a topic change */
    public static TopicChange decode(ByteString data) throws IOException {
        DataInputStream in = new DataInputStream(data.newInput());
        int kind = in.readUnsignedByte();
        if (kind < 1 || kind > Kind.values().length) {
            throw new IOException("unknown topic change kind " + kind);
        }
        String name = in.readUTF();
        int partitions = in.readInt();
        int count = in.readInt();
        Map<String, String> overrides = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            overrides.put(in.readUTF(), in.readUTF());
        }
        return new TopicChange(Kind.values()[kind - 1], name, partitions, overrides);
    }
}
