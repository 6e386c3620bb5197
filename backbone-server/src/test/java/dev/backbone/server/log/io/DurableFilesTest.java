package dev.backbone.server.log.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one durable write: what each failed step leaves behind, and old-or-new across a power cut at any point. */
class DurableFilesTest {

    private static final Path ROOT = Path.of("/simulated/data");
    private static final Path FILE = ROOT.resolve("state");
    private static final byte[] OLD = "old content".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "the new, longer content".getBytes(StandardCharsets.UTF_8);

    private SimulatedDisk diskWithOldContent(long seed) throws IOException {
        SimulatedDisk disk = new SimulatedDisk(ROOT, new Random(seed));
        new DurableFiles(disk.files()).replace(FILE, OLD);
        return disk;
    }

    @Test
    void aReplacedFileSurvivesAPowerCut() throws IOException {
        SimulatedDisk disk = diskWithOldContent(1);
        new DurableFiles(disk.files()).replace(FILE, NEW);
        disk.powerCut();
        assertThat(disk.files().readAllBytes(FILE)).isEqualTo(NEW);
        assertThat(disk.files().exists(DurableFiles.tempFileOf(FILE))).isFalse();
    }

    @Test
    void aPowerCutAtAnyOperationLeavesTheOldOrTheNewContent() throws IOException {
        long seed = System.nanoTime();
        System.out.println("DurableFilesTest seed " + seed);
        Random random = new Random(seed);
        int sawOld = 0;
        int sawNew = 0;
        for (int round = 0; round < 200; round++) {
            SimulatedDisk disk = diskWithOldContent(random.nextLong());
            disk.cutAfterOperations(random.nextInt(8));
            try {
                new DurableFiles(disk.files()).replace(FILE, NEW);
            } catch (IOException expected) {
                // the cut came in the middle
            }
            if (disk.cuts() == 0) {
                disk.powerCut();
            }
            byte[] after = disk.files().readAllBytes(FILE);
            assertThat(after).as("round %d, seed %d", round, seed).isIn(OLD, NEW);
            if (after.length == OLD.length) {
                sawOld++;
            } else {
                sawNew++;
            }
        }
        assertThat(sawOld).isPositive();
        assertThat(sawNew).isPositive();
    }

    @Test
    void aFailedOpenOrWriteLeavesTheOldFileAndNoTemp() throws IOException {
        for (SimulatedDisk.Fault fault : new SimulatedDisk.Fault[] {SimulatedDisk.Fault.OPEN,
                SimulatedDisk.Fault.WRITE}) {
            SimulatedDisk disk = diskWithOldContent(2);
            disk.failNext(fault);
            assertThatThrownBy(() -> new DurableFiles(disk.files()).replace(FILE, NEW))
                    .isInstanceOfSatisfying(DurableWriteException.class, e -> {
                        assertThat(e.file()).isEqualTo(FILE);
                        assertThat(e.step()).isEqualTo(DurableWriteException.Step.WRITE_TEMP);
                        assertThat(e.getMessage()).contains(FILE.toString());
                    });
            assertThat(disk.files().readAllBytes(FILE)).isEqualTo(OLD);
            assertThat(disk.files().exists(DurableFiles.tempFileOf(FILE))).isFalse();
        }
    }

    @Test
    void aFailedFsyncOfTheTempFileLeavesTheOldFileAndNoTemp() throws IOException {
        SimulatedDisk disk = diskWithOldContent(3);
        disk.failNext(SimulatedDisk.Fault.FORCE);
        assertThatThrownBy(() -> new DurableFiles(disk.files()).replace(FILE, NEW))
                .isInstanceOfSatisfying(DurableWriteException.class,
                        e -> assertThat(e.step()).isEqualTo(DurableWriteException.Step.SYNC_TEMP));
        assertThat(disk.files().readAllBytes(FILE)).isEqualTo(OLD);
        assertThat(disk.files().exists(DurableFiles.tempFileOf(FILE))).isFalse();
    }

    @Test
    void aFailedRenameLeavesTheOldFileAndNoTemp() throws IOException {
        SimulatedDisk disk = diskWithOldContent(4);
        disk.failNext(SimulatedDisk.Fault.MOVE);
        assertThatThrownBy(() -> new DurableFiles(disk.files()).replace(FILE, NEW))
                .isInstanceOfSatisfying(DurableWriteException.class,
                        e -> assertThat(e.step()).isEqualTo(DurableWriteException.Step.RENAME));
        assertThat(disk.files().readAllBytes(FILE)).isEqualTo(OLD);
        assertThat(disk.files().exists(DurableFiles.tempFileOf(FILE))).isFalse();
    }

    @Test
    void aFailedDirectoryFsyncIsReportedWithTheNewContentInPlace() throws IOException {
        SimulatedDisk disk = diskWithOldContent(5);
        disk.failNext(SimulatedDisk.Fault.SYNC_DIRECTORY);
        assertThatThrownBy(() -> new DurableFiles(disk.files()).replace(FILE, NEW))
                .isInstanceOfSatisfying(DurableWriteException.class,
                        e -> assertThat(e.step()).isEqualTo(DurableWriteException.Step.SYNC_DIRECTORY));
        assertThat(disk.files().readAllBytes(FILE)).isEqualTo(NEW);
    }

    @Test
    void withoutTheDirectoryFsyncTheRenameMayBeLost() throws IOException {
        // The simulated disk itself is checked here: a rename not made durable can vanish at a cut.
        boolean lost = false;
        for (long seed = 0; seed < 20 && !lost; seed++) {
            SimulatedDisk disk = diskWithOldContent(seed);
            StorageFiles files = disk.files();
            try (var channel = files.open(DurableFiles.tempFileOf(FILE), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(NEW));
                channel.force(true);
            }
            files.moveAtomically(DurableFiles.tempFileOf(FILE), FILE);
            disk.powerCut();
            lost = java.util.Arrays.equals(disk.files().readAllBytes(FILE), OLD);
        }
        assertThat(lost).isTrue();
    }

    @Test
    void newDirectoriesSurviveAPowerCut() throws IOException {
        SimulatedDisk disk = new SimulatedDisk(ROOT, new Random(6));
        Path nested = ROOT.resolve("a/b/c");
        new DurableFiles(disk.files()).createDirectories(nested);
        new DurableFiles(disk.files()).replace(nested.resolve("file"), NEW);
        disk.powerCut();
        assertThat(disk.files().readAllBytes(nested.resolve("file"))).isEqualTo(NEW);
    }

    @Test
    void onTheRealFileSystemTheFileIsReplacedAndNoTempRemains(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint");
        DurableFiles durable = new DurableFiles(StorageFiles.real());
        durable.replace(file, OLD);
        durable.replace(file, NEW);
        assertThat(Files.readAllBytes(file)).isEqualTo(NEW);
        assertThat(Files.exists(DurableFiles.tempFileOf(file))).isFalse();
    }

    @Test
    void onTheRealFileSystemAMissingDirectoryFailsAtTheFirstStep(@TempDir Path dir) {
        Path file = dir.resolve("missing/checkpoint");
        assertThatThrownBy(() -> new DurableFiles(StorageFiles.real()).replace(file, NEW))
                .isInstanceOfSatisfying(DurableWriteException.class, e -> {
                    assertThat(e.step()).isEqualTo(DurableWriteException.Step.WRITE_TEMP);
                    assertThat(e.file()).isEqualTo(file);
                });
    }
}
