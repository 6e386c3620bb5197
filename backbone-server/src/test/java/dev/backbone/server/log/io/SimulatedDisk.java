package dev.backbone.server.log.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A disk in memory that knows what was synced: the engine runs on it through {@link #files()} and a test cuts the
 * power with {@link #powerCut()} (or lets {@link #cutAfterOperations} do it in the middle of an operation).
 *
 * <p>The model, stricter than any real file system: a file's content survives as of its last fsync, plus an
 * arbitrary prefix of the writes and truncations made since, the last write of that prefix torn at any byte. A
 * directory's entries (creations, renames, removals) survive as of its last fsync, plus an arbitrary prefix of the
 * changes made since; a rename within one directory is one change (atomic), across directories two. A file or
 * directory whose name did not survive is gone. All choices come from one seeded {@link Random}.
 *
 * <p>After a cut every channel and {@link StorageFiles} handed out before fails with {@link IOException}: the
 * engine that was running is dead, and a new one must be started on a fresh {@link #files()}.
 *
 * <p>Faults: {@link #failNext} makes the next operation of a kind fail with an {@link IOException}, for tests of
 * error paths. Thread safety: every operation runs under one lock.
 */
public final class SimulatedDisk {

    /** Kinds of operation that {@link #failNext} can make fail. */
    public enum Fault { OPEN, WRITE, FORCE, MOVE, SYNC_DIRECTORY, DELETE }

    private final Path root;
    private final Random random;
    private final Object lock = new Object();
    private Dir rootDir = new Dir();
    private int generation;
    private long operationsUntilCut = -1;
    private final Set<Fault> faults = EnumSet.noneOf(Fault.class);
    private int cuts;
    private long syncs;

    /**
     * @param root   the absolute directory this disk holds; it always exists
     * @param random the source of every choice made at a power cut
     */
    public SimulatedDisk(Path root, Random random) {
        this.root = root.toAbsolutePath().normalize();
        this.random = random;
    }

    public Path root() {
        return root;
    }

    /** The file operations of the engine running now; dead after the next power cut. */
    public StorageFiles files() {
        synchronized (lock) {
            return new Files(generation);
        }
    }

    /** Makes the next operation of {@code fault}'s kind throw an {@link IOException}. */
    public void failNext(Fault fault) {
        synchronized (lock) {
            faults.add(fault);
        }
    }

    /** Cuts the power when the {@code operations}-th mutating operation from now starts (it then fails). */
    public void cutAfterOperations(long operations) {
        synchronized (lock) {
            operationsUntilCut = operations;
        }
    }

    public int cuts() {
        synchronized (lock) {
            return cuts;
        }
    }

    /** fsyncs of files and directories made so far, all generations together. */
    public long syncs() {
        synchronized (lock) {
            return syncs;
        }
    }

    /** Loses everything not synced (as the model above allows) and kills every channel and file view. */
    public void powerCut() {
        synchronized (lock) {
            Map<Object, Object> survivors = new IdentityHashMap<>();
            rootDir = rootDir.survive(random, survivors);
            generation++;
            cuts++;
            operationsUntilCut = -1;
        }
    }

    /** Bytes of a file as the running engine sees them (not what survives a cut); for test assertions. */
    public byte[] contentOf(Path file) throws IOException {
        synchronized (lock) {
            Inode inode = resolveFile(file);
            return Arrays.copyOf(inode.data, inode.size);
        }
    }

    // --- the file system tree -------------------------------------------------------------------------------

    private sealed interface Change permits Put, Remove, Rename {
        void applyTo(Map<String, Object> entries);
    }

    private record Put(String name, Object node) implements Change {
        public void applyTo(Map<String, Object> entries) {
            entries.put(name, node);
        }
    }

    private record Remove(String name) implements Change {
        public void applyTo(Map<String, Object> entries) {
            entries.remove(name);
        }
    }

    private record Rename(String from, String to, Object node) implements Change {
        public void applyTo(Map<String, Object> entries) {
            entries.remove(from);
            entries.put(to, node);
        }
    }

    private static final class Dir {
        final Map<String, Object> entries = new HashMap<>();
        final Map<String, Object> durable = new HashMap<>();
        final List<Change> pending = new ArrayList<>();

        void change(Change change) {
            change.applyTo(entries);
            pending.add(change);
        }

        void sync() {
            durable.clear();
            durable.putAll(entries);
            pending.clear();
        }

        Dir survive(Random random, Map<Object, Object> survivors) {
            Map<String, Object> kept = new HashMap<>(durable);
            int applied = random.nextInt(pending.size() + 1);
            for (Change change : pending.subList(0, applied)) {
                change.applyTo(kept);
            }
            Dir after = new Dir();
            kept.forEach((name, node) -> after.entries.put(name, survivor(node, random, survivors)));
            after.durable.putAll(after.entries);
            return after;
        }

        private static Object survivor(Object node, Random random, Map<Object, Object> survivors) {
            Object known = survivors.get(node);
            if (known == null) {
                known = node instanceof Dir dir ? dir.survive(random, survivors) : ((Inode) node).survive(random);
                survivors.put(node, known);
            }
            return known;
        }
    }

    /** A write or a truncation not yet synced. */
    private record DataChange(long position, byte[] bytes, long truncateTo) {
    }

    private static final class Inode {
        byte[] data = new byte[0];
        int size;
        byte[] synced = new byte[0];
        final List<DataChange> pending = new ArrayList<>();
        long modifiedMs = System.currentTimeMillis();

        void write(long position, byte[] bytes, int length) {
            ensureCapacity(position + length);
            System.arraycopy(bytes, 0, data, (int) position, length);
            size = (int) Math.max(size, position + length);
            modifiedMs = System.currentTimeMillis();
        }

        void truncate(long newSize) {
            if (newSize < size) {
                Arrays.fill(data, (int) newSize, size, (byte) 0);
                size = (int) newSize;
            }
            modifiedMs = System.currentTimeMillis();
        }

        private void ensureCapacity(long needed) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("simulated files stay below 2 GiB");
            }
            if (needed > data.length) {
                data = Arrays.copyOf(data, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, data.length * 2L)));
            }
        }

        void sync() {
            synced = Arrays.copyOf(data, size);
            pending.clear();
        }

        Inode survive(Random random) {
            Inode after = new Inode();
            after.write(0, synced, synced.length);
            int applied = random.nextInt(pending.size() + 1);
            for (int i = 0; i < applied; i++) {
                DataChange change = pending.get(i);
                boolean last = i == applied - 1;
                if (change.bytes == null) {
                    after.truncate(change.truncateTo);
                } else {
                    int length = last ? random.nextInt(change.bytes.length + 1) : change.bytes.length;
                    after.write(change.position, change.bytes, length);
                }
            }
            after.sync();
            return after;
        }
    }

    // --- path resolution, under the lock -----------------------------------------------------------------------

    private List<String> names(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        if (!absolute.startsWith(root)) {
            throw new IOException("path " + path + " is outside the simulated disk " + root);
        }
        List<String> names = new ArrayList<>();
        for (Path name : root.relativize(absolute)) {
            if (!name.toString().isEmpty()) {
                names.add(name.toString());
            }
        }
        return names;
    }

    private Object resolve(Path path) throws IOException {
        Object node = rootDir;
        for (String name : names(path)) {
            if (!(node instanceof Dir dir)) {
                throw new NotDirectoryException(path.toString());
            }
            node = dir.entries.get(name);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Dir parentOf(Path path) throws IOException {
        List<String> names = names(path);
        if (names.isEmpty()) {
            throw new IOException("the root " + root + " has no parent on the simulated disk");
        }
        Object parent = resolve(root.resolve(String.join("/", names.subList(0, names.size() - 1))));
        if (!(parent instanceof Dir dir)) {
            throw new NoSuchFileException(path.toString(), null, "parent directory missing");
        }
        return dir;
    }

    private static String nameOf(Path path) {
        return path.toAbsolutePath().normalize().getFileName().toString();
    }

    private Inode resolveFile(Path file) throws IOException {
        Object node = resolve(file);
        if (node == null) {
            throw new NoSuchFileException(file.toString());
        }
        if (!(node instanceof Inode inode)) {
            throw new IOException(file + " is a directory");
        }
        return inode;
    }

    private Dir resolveDir(Path dir) throws IOException {
        Object node = resolve(dir);
        if (node == null) {
            throw new NoSuchFileException(dir.toString());
        }
        if (!(node instanceof Dir found)) {
            throw new NotDirectoryException(dir.toString());
        }
        return found;
    }

    /** Under the lock: fails when the caller's generation is dead, when a fault is due, or cuts the power. */
    private void check(int callerGeneration, Fault kind, boolean mutates) throws IOException {
        if (callerGeneration != generation) {
            throw new IOException("power lost (simulated): this file handle belongs to an engine that died");
        }
        if (kind != null && faults.remove(kind)) {
            throw new IOException("injected fault: " + kind);
        }
        if (mutates && operationsUntilCut >= 0 && operationsUntilCut-- == 0) {
            powerCut();
            throw new IOException("power lost (simulated)");
        }
    }

    // --- the StorageFiles of one generation ---------------------------------------------------------------------

    private final class Files implements StorageFiles {
        private final int generation;

        Files(int generation) {
            this.generation = generation;
        }

        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            Set<OpenOption> set = Set.of(options);
            boolean create = set.contains(StandardOpenOption.CREATE) || set.contains(StandardOpenOption.CREATE_NEW);
            synchronized (lock) {
                check(generation, Fault.OPEN, create || set.contains(StandardOpenOption.TRUNCATE_EXISTING));
                Object node = resolve(file);
                if (node instanceof Dir) {
                    throw new IOException(file + " is a directory");
                }
                if (node != null && set.contains(StandardOpenOption.CREATE_NEW)) {
                    throw new FileAlreadyExistsException(file.toString());
                }
                Inode inode = (Inode) node;
                if (inode == null) {
                    if (!create) {
                        throw new NoSuchFileException(file.toString());
                    }
                    Dir parent = parentOf(file);
                    inode = new Inode();
                    parent.change(new Put(nameOf(file), inode));
                }
                boolean write = set.contains(StandardOpenOption.WRITE) || set.contains(StandardOpenOption.APPEND);
                if (write && set.contains(StandardOpenOption.TRUNCATE_EXISTING) && inode.size > 0) {
                    inode.truncate(0);
                    inode.pending.add(new DataChange(0, null, 0));
                }
                boolean read = set.contains(StandardOpenOption.READ) || !write;
                return new SimulatedChannel(SimulatedDisk.this, inode, generation, read, write,
                        set.contains(StandardOpenOption.APPEND));
            }
        }

        @Override
        public ByteBuffer mapReadOnly(FileChannel channel, long sizeBytes) throws IOException {
            ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(sizeBytes));
            while (copy.hasRemaining()) {
                if (channel.read(copy, copy.position()) < 0) {
                    throw new IOException("file shorter than " + sizeBytes + " bytes");
                }
            }
            return copy.flip().asReadOnlyBuffer();
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            synchronized (lock) {
                check(generation, null, false);
                Path at = root;
                for (String name : names(dir)) {
                    Dir parent = resolveDir(at);
                    at = at.resolve(name);
                    Object node = parent.entries.get(name);
                    if (node == null) {
                        check(generation, null, true);
                        parent.change(new Put(name, new Dir()));
                    } else if (!(node instanceof Dir)) {
                        throw new FileAlreadyExistsException(at.toString(), null, "not a directory");
                    }
                }
            }
        }

        @Override
        public void createFile(Path file) throws IOException {
            open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        }

        @Override
        public boolean exists(Path path) {
            synchronized (lock) {
                try {
                    return generation == SimulatedDisk.this.generation && resolve(path) != null;
                } catch (IOException e) {
                    return false;
                }
            }
        }

        @Override
        public boolean isDirectory(Path path) {
            synchronized (lock) {
                try {
                    return generation == SimulatedDisk.this.generation && resolve(path) instanceof Dir;
                } catch (IOException e) {
                    return false;
                }
            }
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            synchronized (lock) {
                check(generation, null, false);
                List<Path> entries = new ArrayList<>();
                for (String name : resolveDir(dir).entries.keySet()) {
                    entries.add(dir.resolve(name));
                }
                return entries;
            }
        }

        @Override
        public long size(Path file) throws IOException {
            synchronized (lock) {
                check(generation, null, false);
                return resolveFile(file).size;
            }
        }

        @Override
        public long lastModifiedMillis(Path file) throws IOException {
            synchronized (lock) {
                check(generation, null, false);
                return resolveFile(file).modifiedMs;
            }
        }

        @Override
        public void moveAtomically(Path from, Path to) throws IOException {
            synchronized (lock) {
                check(generation, Fault.MOVE, true);
                Dir source = parentOf(from);
                Dir target = parentOf(to);
                Object node = source.entries.get(nameOf(from));
                if (node == null) {
                    throw new NoSuchFileException(from.toString());
                }
                if (target.entries.get(nameOf(to)) instanceof Dir existing && !existing.entries.isEmpty()) {
                    throw new DirectoryNotEmptyException(to.toString());
                }
                if (source == target) {
                    source.change(new Rename(nameOf(from), nameOf(to), node));
                } else {
                    source.change(new Remove(nameOf(from)));
                    target.change(new Put(nameOf(to), node));
                }
            }
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            synchronized (lock) {
                check(generation, Fault.DELETE, true);
                Object node = resolve(path);
                if (node == null) {
                    return false;
                }
                if (node instanceof Dir dir && !dir.entries.isEmpty()) {
                    throw new DirectoryNotEmptyException(path.toString());
                }
                parentOf(path).change(new Remove(nameOf(path)));
                return true;
            }
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            synchronized (lock) {
                check(generation, Fault.SYNC_DIRECTORY, true);
                resolveDir(dir).sync();
                syncs++;
            }
        }

        @Override
        public String toString() {
            return "simulated disk " + root + " (generation " + generation + ")";
        }
    }

    // --- channel operations, called by SimulatedChannel ---------------------------------------------------------

    int read(SimulatedChannel channel, Inode inode, ByteBuffer dst, long position) throws IOException {
        synchronized (lock) {
            check(channel.generation, null, false);
            if (position >= inode.size) {
                return dst.hasRemaining() ? -1 : 0;
            }
            int length = (int) Math.min(dst.remaining(), inode.size - position);
            dst.put(inode.data, (int) position, length);
            return length;
        }
    }

    int write(SimulatedChannel channel, Inode inode, ByteBuffer src, long position) throws IOException {
        synchronized (lock) {
            check(channel.generation, Fault.WRITE, true);
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            long at = position < 0 ? inode.size : position;
            inode.write(at, bytes, bytes.length);
            inode.pending.add(new DataChange(at, bytes, -1));
            return bytes.length;
        }
    }

    long size(SimulatedChannel channel, Inode inode) throws IOException {
        synchronized (lock) {
            check(channel.generation, null, false);
            return inode.size;
        }
    }

    void truncate(SimulatedChannel channel, Inode inode, long size) throws IOException {
        synchronized (lock) {
            check(channel.generation, Fault.WRITE, true);
            if (size < inode.size) {
                inode.truncate(size);
                inode.pending.add(new DataChange(0, null, size));
            }
        }
    }

    void force(SimulatedChannel channel, Inode inode) throws IOException {
        synchronized (lock) {
            check(channel.generation, Fault.FORCE, true);
            inode.sync();
            syncs++;
        }
    }

    /** A channel on one inode of one generation; its position is its own, as with a real channel. */
    private static final class SimulatedChannel extends FileChannel {
        private final SimulatedDisk disk;
        private final Inode inode;
        private final int generation;
        private final boolean readable;
        private final boolean writable;
        private final boolean append;
        private long position;

        SimulatedChannel(SimulatedDisk disk, Inode inode, int generation, boolean readable, boolean writable,
                         boolean append) {
            this.disk = disk;
            this.inode = inode;
            this.generation = generation;
            this.readable = readable;
            this.writable = writable;
            this.append = append;
        }

        private void ensureOpen() throws IOException {
            if (!isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
        }

        private void ensureReadable() throws IOException {
            ensureOpen();
            if (!readable) {
                throw new java.nio.channels.NonReadableChannelException();
            }
        }

        private void ensureWritable() throws IOException {
            ensureOpen();
            if (!writable) {
                throw new java.nio.channels.NonWritableChannelException();
            }
        }

        @Override
        public synchronized int read(ByteBuffer dst) throws IOException {
            ensureReadable();
            int n = disk.read(this, inode, dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = read(dsts[i]);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (dsts[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            ensureWritable();
            int n = disk.write(this, inode, src, append ? -1 : position);
            position = append ? disk.size(this, inode) : position + n;
            return n;
        }

        @Override
        public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public synchronized long position() throws IOException {
            ensureOpen();
            return position;
        }

        @Override
        public synchronized FileChannel position(long newPosition) throws IOException {
            ensureOpen();
            position = newPosition;
            return this;
        }

        @Override
        public long size() throws IOException {
            ensureOpen();
            return disk.size(this, inode);
        }

        @Override
        public synchronized FileChannel truncate(long size) throws IOException {
            ensureWritable();
            disk.truncate(this, inode, size);
            position = Math.min(position, size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ensureOpen();
            disk.force(this, inode);
        }

        @Override
        public long transferTo(long from, long count, java.nio.channels.WritableByteChannel target)
                throws IOException {
            ensureReadable();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
            int n = disk.read(this, inode, buffer, from);
            if (n <= 0) {
                return 0;
            }
            buffer.flip();
            long written = 0;
            while (buffer.hasRemaining()) {
                written += target.write(buffer);
            }
            return written;
        }

        @Override
        public long transferFrom(java.nio.channels.ReadableByteChannel src, long at, long count)
                throws IOException {
            ensureWritable();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
            int n = src.read(buffer);
            if (n <= 0) {
                return 0;
            }
            buffer.flip();
            return disk.write(this, inode, buffer, at);
        }

        @Override
        public int read(ByteBuffer dst, long at) throws IOException {
            ensureReadable();
            return disk.read(this, inode, dst, at);
        }

        @Override
        public int write(ByteBuffer src, long at) throws IOException {
            ensureWritable();
            return disk.write(this, inode, src, at);
        }

        @Override
        public java.nio.MappedByteBuffer map(MapMode mode, long at, long size) {
            throw new UnsupportedOperationException("a simulated disk cannot map files; use StorageFiles.mapReadOnly");
        }

        @Override
        public java.nio.channels.FileLock lock(long at, long size, boolean shared) throws IOException {
            ensureOpen();
            return new SimulatedLock(this, at, size, shared);
        }

        @Override
        public java.nio.channels.FileLock tryLock(long at, long size, boolean shared) throws IOException {
            return lock(at, size, shared);
        }

        @Override
        protected void implCloseChannel() {
            // Nothing to release: the inode lives in the disk, not in the channel.
        }
    }

    /** A lock that excludes nobody: one engine per simulated disk at a time is the test's own business. */
    private static final class SimulatedLock extends java.nio.channels.FileLock {
        private boolean valid = true;

        SimulatedLock(FileChannel channel, long position, long size, boolean shared) {
            super(channel, position, size, shared);
        }

        @Override
        public synchronized boolean isValid() {
            return valid && channel().isOpen();
        }

        @Override
        public synchronized void release() {
            valid = false;
        }
    }
}
