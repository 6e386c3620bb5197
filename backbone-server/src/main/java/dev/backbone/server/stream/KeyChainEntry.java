package dev.backbone.server.stream;

/**
 * One entry of a key chain file, as read back.
 *
 * @param position         the entry's byte position in the chain file
 * @param offset           the offset of the record in the log
 * @param previousPosition the position of the same key's previous entry, or -1 for version 0
 * @param version          the record's version in its key's stream
 * @param key              the key bytes
 */
public record KeyChainEntry(long position, long offset, long previousPosition, int version, byte[] key) {
}
