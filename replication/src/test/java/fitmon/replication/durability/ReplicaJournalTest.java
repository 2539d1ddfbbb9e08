package fitmon.replication.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replica's snapshot and journal on real files: what survives a close, a crash (files copied
 * while the journal is still open), a batch cut short or left unflagged, a torn or corrupted tail,
 * a journal that follows another snapshot and a damaged snapshot.
 */
class ReplicaJournalTest {

    /** "FMJRNL02", then the consensus id of the snapshot the journal follows (-1: none). */
    private static final byte[] JOURNAL_MAGIC = "FMJRNL02".getBytes(UTF_8);
    private static final int JOURNAL_HEADER = JOURNAL_MAGIC.length + Long.BYTES;
    /** Length, consensus id, index in batch, timestamp, flags, CRC: a record's size besides its command. */
    private static final int RECORD_OVERHEAD = Integer.BYTES + Long.BYTES + Integer.BYTES + Long.BYTES + 1 + Integer.BYTES;
    private static final int SNAPSHOT_HEADER = 8 + Long.BYTES + Integer.BYTES;
    private static final int SNAPSHOT_DIGEST = 32;
    private static final long LARGE_THRESHOLD = ReplicaJournal.DEFAULT_SNAPSHOT_AFTER_BYTES;

    @TempDir
    Path temp;

    private int copies;

    // ---------------------------------------------------------------------------------------------
    // Empty directory, close and reopen

    @Test
    void anEmptyDirectoryRestoresNothingAndGetsAJournalHeader() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService service = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            ReplicaJournal.Restored restored = journal.restore(service);

            assertThat(restored).isEqualTo(new ReplicaJournal.Restored(-1, -1, 0, 0, 0));
            assertThat(restored.empty()).isTrue();
            assertThat(journal.lastConsensusId()).isEqualTo(-1);
            assertThat(journal.snapshotDue()).isFalse();
            assertThat(journal.directory()).isEqualTo(dir.toAbsolutePath());
        }
        assertThat(service.executed).isEmpty();
        assertThat(Files.readAllBytes(journalFile(dir))).as("a journal that follows no snapshot")
                .isEqualTo(journalHeader(-1));
        assertThat(snapshotFile(dir)).doesNotExist();
        assertThat(restoreFrom(dir).restored().empty()).isTrue();
    }

    @Test
    void syncedBatchesAreReplayedInOrderWithTheirOrderContexts() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b", "c");
            batch(journal, live, 1, "d");
            batch(journal, live, 4, "e", "f"); // consensus ids need not be contiguous
            assertThat(journal.lastConsensusId()).isEqualTo(4);
            journal.sync();
        }

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(4, -1, 3, 6, 0));
        assertThat(outcome.restored().empty()).isFalse();
        assertThat(outcome.service().executed).containsExactlyElementsOf(live.executed);
        assertThat(outcome.service().executed).extracting(Executed::context).containsExactly(
                new OrderContext(0, 0, timestamp(0)), new OrderContext(0, 1, timestamp(0)), new OrderContext(0, 2, timestamp(0)),
                new OrderContext(1, 0, timestamp(1)),
                new OrderContext(4, 0, timestamp(4)), new OrderContext(4, 1, timestamp(4)));
    }

    @Test
    void writesGetIncreasingTicketsAndAForceCoversEveryWriteBeforeIt() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            assertThat(journal.write()).as("nothing pending: the last ticket").isZero();
            batch(journal, live, 0, "a");
            long first = journal.write();
            batch(journal, live, 1, "b", "c");
            long second = journal.write();
            assertThat(first).isEqualTo(1);
            assertThat(second).isEqualTo(2);
            assertThat(journal.write()).isEqualTo(2);
            assertThat(journal.forceWritten()).isEqualTo(2);
            assertThat(crashCopy(dir)).as("written records are in the file before any force").satisfies(copy ->
                    assertThat(restoreFrom(copy).service().executed).containsExactlyElementsOf(live.executed));
            batch(journal, live, 2, "d");
            assertThat(journal.forceWritten()).as("appended, not written: not covered").isEqualTo(2);
            journal.snapshot(2, live.snapshot());
            assertThat(journal.write()).as("a snapshot keeps the tickets going").isEqualTo(2);
            batch(journal, live, 3, "e");
            assertThat(journal.write()).isEqualTo(3);
        }
    }

    @Test
    void aJournalThatLeavesWritesToTheSystemStillRestoresWhatItWrote() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD, false)) {
            journal.restore(new RecordingService());
            batch(journal, live, 0, "a", "b");
            assertThat(journal.write()).isEqualTo(1);
            assertThat(journal.forceWritten()).isEqualTo(1);
            assertThat(restoreFrom(crashCopy(dir)).service().executed).as("a process crash keeps what was written")
                    .containsExactlyElementsOf(live.executed);
        }
    }

    @Test
    void aForceOnAnotherThreadRunsWhileBatchesAreAppendedAndWritten() throws Exception {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong forces = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastCovered = new java.util.concurrent.atomic.AtomicLong();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            Thread syncer = new Thread(() -> {
                try {
                    while (!done.get()) {
                        long covered = journal.forceWritten();
                        assertThat(covered).isGreaterThanOrEqualTo(lastCovered.get());
                        lastCovered.set(covered);
                        forces.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            syncer.start();
            long ticket = 0;
            for (int consensus = 0; consensus < 300; consensus++) {
                batch(journal, live, consensus, "x" + consensus, "y" + consensus);
                ticket = journal.write();
                if (consensus == 150) {
                    journal.snapshot(consensus, live.snapshot());
                }
            }
            done.set(true);
            syncer.join(30_000);
            assertThat(syncer.isAlive()).isFalse();
            assertThat(forces.get()).isPositive();
            assertThat(journal.forceWritten()).isEqualTo(ticket);
        }
        Outcome outcome = restoreFrom(dir);
        assertThat(outcome.restored().consensusId()).isEqualTo(299);
        assertThat(outcome.restored().snapshotConsensusId()).isEqualTo(150);
        assertThat(outcome.service().executed).containsExactlyElementsOf(live.executed);
    }

    @Test
    void timestampsAreReplayedAsAgreedEvenWhenTheyGoBackwards() throws IOException {
        Path dir = temp.resolve("replica");
        try (ReplicaJournal journal = openRestored(dir, new RecordingService())) {
            append(journal, new OrderContext(7, 0, 5_000), "late", true);
            append(journal, new OrderContext(8, 0, 1_000), "early", false);
            append(journal, new OrderContext(8, 1, 1_000), "early too", true);
        }

        assertThat(restoreFrom(dir).service().executed).containsExactly(
                new Executed("late", new OrderContext(7, 0, 5_000)),
                new Executed("early", new OrderContext(8, 0, 1_000)),
                new Executed("early too", new OrderContext(8, 1, 1_000)));
    }

    @Test
    void closeSyncsWhatWasAppended() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "never synced explicitly");
        }

        assertThat(restoreFrom(dir).service().executed).containsExactlyElementsOf(live.executed);
    }

    @Test
    void eachRestartContinuesTheSameJournal() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        for (int run = 0; run < 3; run++) {
            RecordingService restarted = new RecordingService();
            try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
                ReplicaJournal.Restored restored = journal.restore(restarted);
                assertThat(restored.consensusId()).isEqualTo(2L * run - 1);
                assertThat(restored.batchesReplayed()).isEqualTo(2 * run);
                assertThat(restarted.executed).containsExactlyElementsOf(live.executed);
                batch(journal, live, 2L * run, "run " + run);
                batch(journal, live, 2L * run + 1, "run " + run, "again");
            }
        }
        assertThat(restoreFrom(dir).service().executed).containsExactlyElementsOf(live.executed).hasSize(9);
    }

    // ---------------------------------------------------------------------------------------------
    // One process per directory

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstIsClosed() throws IOException {
        Path dir = temp.resolve("replica");
        ReplicaJournal first = ReplicaJournal.open(dir, LARGE_THRESHOLD);
        try {
            assertThatThrownBy(() -> ReplicaJournal.open(dir, LARGE_THRESHOLD))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another replica holds " + dir.toAbsolutePath())
                    .hasMessageContaining("each replica needs a data directory of its own");
            // the refusal did not disturb the holder
            first.restore(new RecordingService());
            append(first, new OrderContext(0, 0, 1), "still mine", true);
            first.sync();
        } finally {
            first.close();
        }

        try (ReplicaJournal second = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            RecordingService service = new RecordingService();
            assertThat(second.restore(service).consensusId()).isZero();
            assertThat(service.commands()).containsExactly("still mine");
        }
    }

    @Test
    void aRelativePathToALockedDirectoryIsRefusedToo() throws IOException {
        Path dir = temp.resolve("replica");
        try (ReplicaJournal first = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            Path relative = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath());
            assertThatThrownBy(() -> ReplicaJournal.open(relative, LARGE_THRESHOLD))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another replica holds");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Crashes

    @Test
    void appendedButUnsyncedRecordsDoNotSurviveACrash() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        List<Executed> synced;
        Path crashed;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            batch(journal, live, 1, "c");
            journal.sync();
            synced = List.copyOf(live.executed);
            batch(journal, live, 2, "d", "e");
            crashed = crashCopy(dir);
        }

        Outcome outcome = restoreFrom(crashed);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(1, -1, 2, 3, 0));
        assertThat(outcome.service().executed).containsExactlyElementsOf(synced);
        // the orderly close, by contrast, kept batch 2
        assertThat(restoreFrom(dir).service().executed).containsExactlyElementsOf(live.executed);
    }

    @Test
    void aBatchCutShortIsDroppedAndAppendingContinuesCleanly() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        Path crashed;
        long partialBytes;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            journal.sync();
            long before = Files.size(journalFile(dir));
            append(journal, context(1, 0), "partial 1", false);
            append(journal, context(1, 1), "partial 2", false);
            journal.sync();
            partialBytes = Files.size(journalFile(dir)) - before;
            crashed = crashCopy(dir);
        }
        assertThat(partialBytes).isEqualTo(2L * recordSize("partial 1"));

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(crashed, LARGE_THRESHOLD)) {
            ReplicaJournal.Restored restored = journal.restore(restarted);
            assertThat(restored).isEqualTo(new ReplicaJournal.Restored(0, -1, 1, 2, partialBytes));
            assertThat(restarted.executed).containsExactlyElementsOf(live.executed.subList(0, 2));
            assertThat(journal.lastConsensusId()).isZero();
            assertThat(Files.size(journalFile(crashed))).as("the partial batch is cut off the file")
                    .isEqualTo(JOURNAL_HEADER + recordSize("a") + recordSize("b"));

            batch(journal, restarted, 1, "redone");
            batch(journal, restarted, 2, "x", "y");
        }

        Outcome outcome = restoreFrom(crashed);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(2, -1, 3, 5, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "b", "redone", "x", "y");
        assertThat(outcome.service().executed).containsExactlyElementsOf(restarted.executed);
    }

    @Test
    void anUnflaggedBatchFollowedByALaterOneIsCompleteAndOnlyOneAtTheEndIsDropped() throws IOException {
        // The library may skip a batch's final request: its executed commands then carry no
        // last-in-batch flag, and their replies went out once the next batch's first record was synced.
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        long completeEnd;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            unflaggedBatch(journal, live, 1, "first of 1", "second of 1");
            batch(journal, live, 2, "b", "c");
            unflaggedBatch(journal, live, 4, "unflagged, then unflagged"); // ids need not be contiguous
            unflaggedBatch(journal, live, 5, "unflagged, then flagged");
            batch(journal, live, 6, "d");
            journal.sync();
            completeEnd = Files.size(journalFile(dir));
            unflaggedBatch(journal, new RecordingService(), 7, "unflagged at the end", "and its second");
        }
        long tail = recordSize("unflagged at the end") + recordSize("and its second");
        assertThat(Files.size(journalFile(dir)) - completeEnd).isEqualTo(tail);

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(6, -1, 6, 8, tail));
            assertThat(journal.lastConsensusId()).isEqualTo(6);
            assertThat(restarted.executed).containsExactlyElementsOf(live.executed);
            assertThat(restarted.executed).extracting(Executed::context).containsExactly(
                    context(0, 0), context(1, 0), context(1, 1), context(2, 0), context(2, 1),
                    context(4, 0), context(5, 0), context(6, 0));
            assertThat(Files.size(journalFile(dir))).as("the unflagged batch at the end is cut off the file")
                    .isEqualTo(completeEnd);
            batch(journal, restarted, 7, "redone");
        }

        Outcome outcome = restoreFrom(dir);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(7, -1, 7, 9, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "first of 1", "second of 1", "b", "c",
                "unflagged, then unflagged", "unflagged, then flagged", "d", "redone");
        assertThat(outcome.service().executed).containsExactlyElementsOf(restarted.executed);
    }

    @Test
    void anUnflaggedBatchCountsOnceTheNextBatchsFirstRecordIsOnDisk() throws IOException {
        // The replier sends an unflagged batch's replies after syncing the next batch's first
        // record: a crash before that loses the batch (nothing of it was acknowledged), after it keeps it.
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        Path beforeTheNext;
        Path withTheNextsFirst;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            unflaggedBatch(journal, live, 1, "b", "c");
            journal.sync();
            beforeTheNext = crashCopy(dir);
            append(journal, context(2, 0), "first of 2", false);
            journal.sync();
            withTheNextsFirst = crashCopy(dir);
        }

        Outcome before = restoreFrom(beforeTheNext);
        assertThat(before.restored()).isEqualTo(new ReplicaJournal.Restored(0, -1, 1, 1, recordSize("b") + recordSize("c")));
        assertThat(before.service().executed).containsExactlyElementsOf(live.executed.subList(0, 1));

        Outcome after = restoreFrom(withTheNextsFirst);
        assertThat(after.restored()).isEqualTo(new ReplicaJournal.Restored(1, -1, 2, 3, recordSize("first of 2")));
        assertThat(after.service().executed).containsExactlyElementsOf(live.executed);
        assertThat(Files.size(journalFile(withTheNextsFirst)))
                .isEqualTo(JOURNAL_HEADER + recordSize("a") + recordSize("b") + recordSize("c"));
    }

    @ParameterizedTest(name = "{0} bytes of the last record left")
    @ValueSource(ints = {1, 3, 4, 5, 12, 20, 28, 29})
    void aTornTailIsDroppedAndEarlierBatchesAreKept(int bytesLeft) throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        long lastRecordStart = writeThreeBatches(dir, live);
        assertThat(bytesLeft).isLessThan(recordSize("last"));
        truncate(journalFile(dir), lastRecordStart + bytesLeft);

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            ReplicaJournal.Restored restored = journal.restore(restarted);
            assertThat(restored).isEqualTo(new ReplicaJournal.Restored(1, -1, 2, 3, bytesLeft));
            assertThat(restarted.executed).containsExactlyElementsOf(live.executed.subList(0, 3));
            assertThat(Files.size(journalFile(dir))).isEqualTo(lastRecordStart);
            batch(journal, restarted, 2, "after the tear");
        }
        assertThat(restoreFrom(dir).service().commands()).containsExactly("a", "b", "c", "after the tear");
    }

    @Test
    void aFlippedByteAnywhereInTheLastRecordDropsOnlyTheLastBatch() throws IOException {
        Path original = temp.resolve("replica");
        RecordingService live = new RecordingService();
        long lastRecordStart = writeThreeBatches(original, live);
        long size = Files.size(journalFile(original));
        assertThat(size - lastRecordStart).isEqualTo(recordSize("last"));

        for (long offset = lastRecordStart; offset < size; offset++) {
            Path dir = crashCopy(original);
            flip(journalFile(dir), offset);

            Outcome outcome = restoreFrom(dir);

            assertThat(outcome.restored()).as("byte %d flipped", offset)
                    .isEqualTo(new ReplicaJournal.Restored(1, -1, 2, 3, size - lastRecordStart));
            assertThat(outcome.service().executed).as("byte %d flipped", offset)
                    .containsExactlyElementsOf(live.executed.subList(0, 3));
        }
    }

    @Test
    void aRecordThatDoesNotCheckOutEndsTheJournalThere() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        writeThreeBatches(dir, live);
        long size = Files.size(journalFile(dir));
        long secondRecordOfFirstBatch = JOURNAL_HEADER + recordSize("a");
        flip(journalFile(dir), secondRecordOfFirstBatch + Integer.BYTES + 3); // inside its consensus id

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(-1, -1, 0, 0, size - JOURNAL_HEADER));
        assertThat(outcome.service().executed).isEmpty();
        assertThat(Files.size(journalFile(dir))).isEqualTo(JOURNAL_HEADER);
    }

    @Test
    void zerosAfterTheLastBatchAreDropped() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
        }
        Files.write(journalFile(dir), new byte[100], StandardOpenOption.APPEND);

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(0, -1, 1, 1, 100));
        assertThat(outcome.service().executed).containsExactlyElementsOf(live.executed);
    }

    @Test
    void aLengthFieldPointingPastTheEndOfTheFileIsDroppedWithoutReadingThatMuch() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        long lastRecordStart = writeThreeBatches(dir, live);
        long size = Files.size(journalFile(dir));
        // the largest length the format allows, on a record of a few dozen bytes
        writeInt(journalFile(dir), lastRecordStart, 256 * 1024 * 1024);

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long thread = Thread.currentThread().getId();
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        Outcome outcome = restoreFrom(dir);
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(1, -1, 2, 3, size - lastRecordStart));
        assertThat(allocated).as("bytes allocated to restore a journal of %d bytes", size).isLessThan(16L * 1024 * 1024);
    }

    @ParameterizedTest(name = "first batch flagged: {0}")
    @ValueSource(booleans = {true, false})
    void consensusIdsGoingBackwardsAreReportedAsDamage(boolean firstBatchFlagged) throws IOException {
        Path dir = temp.resolve("replica");
        try (ReplicaJournal journal = openRestored(dir, new RecordingService())) {
            if (firstBatchFlagged) {
                batch(journal, new RecordingService(), 5, "a");
            } else {
                unflaggedBatch(journal, new RecordingService(), 5, "a"); // complete: a record of another id follows
            }
            batch(journal, new RecordingService(), 3, "b");
        }

        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThatThrownBy(() -> journal.restore(new RecordingService()))
                    .isInstanceOf(DamagedJournalException.class)
                    .hasMessageContaining(journalFile(dir).toString())
                    .hasMessageContaining("consensus 3 follows consensus 5")
                    .hasMessageContaining("Move " + dir + " away");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshots

    @Test
    void restoreStartsFromTheSnapshotAndReplaysOnlyLaterBatches() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            batch(journal, live, 1, "c");
            journal.sync();
            journal.snapshot(1, live.snapshot());
            assertThat(journal.lastConsensusId()).isEqualTo(1);
            assertThat(Files.readAllBytes(journalFile(dir))).as("the journal restarts empty, following snapshot 1")
                    .isEqualTo(journalHeader(1));
            batch(journal, live, 2, "d");
            batch(journal, live, 3, "e", "f");
        }

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(3, 1, 2, 3, 0));
        assertThat(outcome.service().restores).isEqualTo(1);
        assertThat(outcome.service().executed).containsExactlyElementsOf(live.executed);
        assertThat(outcome.service().executedSinceRestore).extracting(Executed::command).containsExactly("d", "e", "f");
    }

    @Test
    void aSnapshotAloneRestoresItsConsensusId() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            journal.snapshot(0, live.snapshot());
        }

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(0, 0, 0, 0, 0));
        assertThat(outcome.restored().empty()).isFalse();
        assertThat(outcome.service().executed).containsExactlyElementsOf(live.executed);
    }

    @Test
    void aSnapshotDiscardsWhatWasAppendedAndNotSynced() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            journal.sync();
            batch(journal, live, 1, "b"); // part of the state the snapshot below writes
            journal.snapshot(1, live.snapshot());
            journal.sync();
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(1));
            batch(journal, live, 2, "c");
        }

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(2, 1, 1, 1, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "b", "c");
    }

    @Test
    void aStateTransferSnapshotReplacesAnOlderHistory() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        RecordingService peer = new RecordingService();
        for (long consensus = 0; consensus <= 9; consensus++) {
            peer.executeOrdered(("peer " + consensus).getBytes(UTF_8), context(consensus, 0));
        }
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "mine");
            journal.sync();
            journal.snapshot(9, peer.snapshot());
            assertThat(journal.lastConsensusId()).isEqualTo(9);
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(9));
            batch(journal, peer, 10, "after the transfer");
        }

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(10, 9, 1, 1, 0));
        assertThat(outcome.service().executed).containsExactlyElementsOf(peer.executed);
    }

    @Test
    void aJournalFromBeforeTheLatestSnapshotIsIgnoredEntirely() throws IOException {
        // A crash after the new snapshot.bin is in place and before its journal is started leaves
        // the previous journal next to it: it follows snapshot 0, snapshot.bin is at 2 and holds all of it.
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        Path oldJournal = temp.resolve("old-journal.bin");
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            journal.snapshot(0, live.snapshot());
            batch(journal, live, 1, "c");
            batch(journal, live, 2, "d");
            journal.sync();
            Files.copy(journalFile(dir), oldJournal);
            journal.snapshot(2, live.snapshot());
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(2));
        }
        assertThat(Arrays.copyOf(Files.readAllBytes(oldJournal), JOURNAL_HEADER)).isEqualTo(journalHeader(0));
        Path crashed = crashCopy(dir);
        Files.copy(oldJournal, journalFile(crashed), StandardCopyOption.REPLACE_EXISTING);
        // A tail that does not check out: the ignored journal is not read, so nothing counts as dropped.
        Files.write(journalFile(crashed), new byte[7], StandardOpenOption.APPEND);

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(crashed, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(2, 2, 0, 0, 0));
            assertThat(journal.lastConsensusId()).isEqualTo(2);
            assertThat(restarted.restores).isEqualTo(1);
            assertThat(restarted.executedSinceRestore).isEmpty();
            assertThat(restarted.executed).containsExactlyElementsOf(live.executed);
            assertThat(Files.readAllBytes(journalFile(crashed))).as("a new journal, following snapshot 2")
                    .isEqualTo(journalHeader(2));
            batch(journal, restarted, 3, "e");
        }

        Outcome outcome = restoreFrom(crashed);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(3, 2, 1, 1, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "b", "c", "d", "e");
        assertThat(outcome.service().executedSinceRestore).containsExactly(new Executed("e", context(3, 0)));
    }

    @Test
    void anOlderJournalIsIgnoredEvenWithBatchesPastTheSnapshot() throws IOException {
        // Same history in two directories: one keeps its whole journal (it follows no snapshot),
        // the other snapshots after consensus 1. The full journal, batch 2 included, next to that
        // snapshot is not its journal: the snapshot alone is restored, and a new journal starts after it.
        Path full = temp.resolve("full");
        Path snapshotted = temp.resolve("snapshotted");
        RecordingService live = new RecordingService();
        List<Executed> upToOne;
        try (ReplicaJournal journal = openRestored(full, live);
             ReplicaJournal other = openRestored(snapshotted, new RecordingService())) {
            batch(journal, live, 0, "a", "b");
            batch(journal, live, 1, "c");
            upToOne = List.copyOf(live.executed);
            other.snapshot(1, live.snapshot());
            batch(journal, live, 2, "d");
        }
        Files.copy(journalFile(full), journalFile(snapshotted), StandardCopyOption.REPLACE_EXISTING);

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(snapshotted, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(1, 1, 0, 0, 0));
            assertThat(journal.lastConsensusId()).isEqualTo(1);
            assertThat(restarted.executedSinceRestore).isEmpty();
            assertThat(restarted.executed).containsExactlyElementsOf(upToOne);
            assertThat(Files.readAllBytes(journalFile(snapshotted))).isEqualTo(journalHeader(1));
            batch(journal, restarted, 2, "other d");
        }

        Outcome outcome = restoreFrom(snapshotted);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(2, 1, 1, 1, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "b", "c", "other d");
        assertThat(outcome.service().executedSinceRestore).containsExactly(new Executed("other d", context(2, 0)));
    }

    @Test
    void aJournalThatFollowsANewerSnapshotThanTheOneOnDiskIsIgnored() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        Path olderSnapshot = temp.resolve("older-snapshot.bin");
        List<Executed> upToZero;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            journal.snapshot(0, live.snapshot());
            upToZero = List.copyOf(live.executed);
            Files.copy(snapshotFile(dir), olderSnapshot);
            batch(journal, live, 1, "b");
            journal.snapshot(1, live.snapshot());
            batch(journal, live, 2, "c");
        }
        Files.copy(olderSnapshot, snapshotFile(dir), StandardCopyOption.REPLACE_EXISTING);

        Outcome outcome = restoreFrom(dir);

        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(0, 0, 0, 0, 0));
        assertThat(outcome.service().executed).containsExactlyElementsOf(upToZero);
        assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(0));
    }

    @Test
    void aJournalThatFollowsASnapshotIsIgnoredWhereThereIsNone() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            journal.snapshot(0, live.snapshot());
            batch(journal, live, 1, "b");
        }
        Files.delete(snapshotFile(dir));

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(-1, -1, 0, 0, 0));
            assertThat(journal.lastConsensusId()).isEqualTo(-1);
            assertThat(restarted.restores).isZero();
            assertThat(restarted.executed).isEmpty();
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(-1));
            batch(journal, restarted, 0, "fresh");
        }

        Outcome outcome = restoreFrom(dir);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(0, -1, 1, 1, 0));
        assertThat(outcome.service().executed).containsExactly(new Executed("fresh", context(0, 0)));
    }

    @ParameterizedTest(name = "header naming consensus {0}")
    @ValueSource(longs = {0, 3, 5, 9, Long.MAX_VALUE, Long.MIN_VALUE})
    void aJournalWhoseHeaderNamesAConsensusIdIsIgnoredWithoutASnapshot(long named) throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            batch(journal, live, 5, "b", "c");
        }
        writeBytes(journalFile(dir), JOURNAL_MAGIC.length, ByteBuffer.allocate(Long.BYTES).putLong(named).array());
        assertThat(Arrays.copyOf(Files.readAllBytes(journalFile(dir)), JOURNAL_HEADER)).isEqualTo(journalHeader(named));

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(-1, -1, 0, 0, 0));
            assertThat(restarted.executed).isEmpty();
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(-1));
            batch(journal, restarted, 0, "fresh");
        }
        assertThat(restoreFrom(dir).service().commands()).containsExactly("fresh");
    }

    enum SnapshotDamage {
        FLIPPED_MAGIC_BYTE {
            @Override
            void apply(Path file) throws IOException {
                flip(file, 3);
            }
        },
        WRONG_MAGIC {
            @Override
            void apply(Path file) throws IOException {
                writeBytes(file, 0, "FMJRNL02".getBytes(UTF_8));
            }
        },
        FLIPPED_CONSENSUS_ID_BYTE {
            @Override
            void apply(Path file) throws IOException {
                flip(file, 8 + 7);
            }
        },
        FLIPPED_LENGTH_BYTE {
            @Override
            void apply(Path file) throws IOException {
                flip(file, 8 + 8 + 3);
            }
        },
        FLIPPED_STATE_BYTE {
            @Override
            void apply(Path file) throws IOException {
                flip(file, SNAPSHOT_HEADER + 5);
            }
        },
        FLIPPED_DIGEST_BYTE {
            @Override
            void apply(Path file) throws IOException {
                flip(file, Files.size(file) - 1);
            }
        },
        TRUNCATED_BY_ONE_BYTE {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, Files.size(file) - 1);
            }
        },
        TRUNCATED_INSIDE_THE_HEADER {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, 10);
            }
        },
        EMPTY {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, 0);
            }
        },
        ONE_BYTE_TOO_MANY {
            @Override
            void apply(Path file) throws IOException {
                Files.write(file, new byte[1], StandardOpenOption.APPEND);
            }
        };

        abstract void apply(Path file) throws IOException;
    }

    @ParameterizedTest
    @EnumSource(SnapshotDamage.class)
    void aDamagedSnapshotStopsTheRestoreAndSaysWhatToDo(SnapshotDamage damage) throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            journal.snapshot(0, live.snapshot());
            batch(journal, live, 1, "c");
        }
        assertThat(Files.size(snapshotFile(dir))).isGreaterThan(SNAPSHOT_HEADER + SNAPSHOT_DIGEST + 5);
        damage.apply(snapshotFile(dir));
        byte[] journalBefore = Files.readAllBytes(journalFile(dir));

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThatThrownBy(() -> journal.restore(restarted))
                    .isInstanceOf(DamagedJournalException.class)
                    .hasMessageStartingWith(snapshotFile(dir) + " is damaged: ")
                    .hasMessageContaining("Move " + dir + " away")
                    .hasMessageContaining("start empty and fetch its peers' state");
            assertThat(restarted.restores).isZero();
            assertThat(restarted.executed).isEmpty();
            assertThatThrownBy(() -> append(journal, context(2, 0), "x", true))
                    .as("a failed restore leaves the journal closed to appends")
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(Files.readAllBytes(journalFile(dir))).as("the journal is left as found").isEqualTo(journalBefore);
    }

    // ---------------------------------------------------------------------------------------------
    // The journal's header

    @Test
    void aJournalNotStartingWithTheMagicIsDamage() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
        }
        writeBytes(journalFile(dir), 0, "FMSNAP01".getBytes(UTF_8));

        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThatThrownBy(() -> journal.restore(new RecordingService()))
                    .isInstanceOf(DamagedJournalException.class)
                    .hasMessageStartingWith(journalFile(dir) + " is damaged: ")
                    .hasMessageContaining("does not start like a fitmon journal")
                    .hasMessageContaining("Move " + dir + " away");
        }
        assertThat(Files.readAllBytes(journalFile(dir))).as("the damaged journal is left as found")
                .startsWith("FMSNAP01".getBytes(UTF_8));
    }

    @Test
    void aJournalOfTheFormerFormatWithRecordsIsDamageNotMisread() throws IOException {
        // "FMJRNL01": an 8-byte magic, records right after it (no snapshot id in the header).
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
        }
        byte[] records = Arrays.copyOfRange(Files.readAllBytes(journalFile(dir)), JOURNAL_HEADER,
                (int) Files.size(journalFile(dir)));
        ByteArrayOutputStream former = new ByteArrayOutputStream();
        former.write("FMJRNL01".getBytes(UTF_8));
        former.write(records);
        Files.write(journalFile(dir), former.toByteArray());

        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            RecordingService restarted = new RecordingService();
            assertThatThrownBy(() -> journal.restore(restarted))
                    .isInstanceOf(DamagedJournalException.class)
                    .hasMessageContaining("does not start like a fitmon journal");
            assertThat(restarted.executed).isEmpty();
        }
        assertThat(Files.readAllBytes(journalFile(dir))).as("left as found").isEqualTo(former.toByteArray());
    }

    @ParameterizedTest(name = "{1} bytes of {0}")
    @CsvSource({
            "a header naming consensus 5, 0", "a header naming consensus 5, 1", "a header naming consensus 5, 8",
            "a header naming consensus 5, 9", "a header naming consensus 5, 15",
            "garbage, 5", "garbage, 15",
            "an empty journal of the former format, 8"})
    void aJournalShorterThanItsHeaderIsEmpty(String content, int length) throws IOException {
        byte[] full = switch (content) {
            case "a header naming consensus 5" -> journalHeader(5);
            case "garbage" -> "garbage!garbage!".getBytes(UTF_8);
            case "an empty journal of the former format" -> "FMJRNL01".getBytes(UTF_8);
            default -> throw new IllegalArgumentException(content);
        };
        Path dir = temp.resolve("replica");
        Files.createDirectories(dir);
        Files.write(journalFile(dir), Arrays.copyOf(full, length));

        RecordingService service = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThat(journal.restore(service)).isEqualTo(new ReplicaJournal.Restored(-1, -1, 0, 0, 0));
            assertThat(Files.readAllBytes(journalFile(dir))).isEqualTo(journalHeader(-1));
            batch(journal, service, 0, "a");
        }
        assertThat(restoreFrom(dir).restored()).isEqualTo(new ReplicaJournal.Restored(0, -1, 1, 1, 0));
        assertThat(restoreFrom(dir).service().commands()).containsExactly("a");
    }

    @ParameterizedTest(name = "{0} bytes left")
    @ValueSource(ints = {0, 3, 8, 15})
    void aJournalShorterThanItsHeaderNextToASnapshotRestoresTheSnapshot(int length) throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a");
            journal.snapshot(0, live.snapshot());
        }
        truncate(journalFile(dir), length);

        RecordingService restarted = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            assertThat(journal.restore(restarted)).isEqualTo(new ReplicaJournal.Restored(0, 0, 0, 0, 0));
            assertThat(restarted.executed).containsExactlyElementsOf(live.executed);
            assertThat(Files.readAllBytes(journalFile(dir))).as("a new journal, following snapshot 0")
                    .isEqualTo(journalHeader(0));
            batch(journal, restarted, 1, "b");
        }

        Outcome outcome = restoreFrom(dir);
        assertThat(outcome.restored()).isEqualTo(new ReplicaJournal.Restored(1, 0, 1, 1, 0));
        assertThat(outcome.service().commands()).containsExactly("a", "b");
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshot threshold

    @Test
    void aSnapshotIsDueOnceTheJournalReachesTheThresholdAndNoLongerAfterOne() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        String command = "x".repeat(1024 / 8 - RECORD_OVERHEAD); // eight records make exactly 1 KiB
        try (ReplicaJournal journal = ReplicaJournal.open(dir, 1024)) {
            journal.restore(live);
            assertThat(journal.snapshotDue()).isFalse();
            for (int consensus = 0; consensus < 7; consensus++) {
                batch(journal, live, consensus, command);
                assertThat(journal.snapshotDue()).as("after %d records", consensus + 1).isFalse();
            }
            journal.sync();
            assertThat(journal.snapshotDue()).isFalse();

            batch(journal, live, 7, command);
            assertThat(journal.snapshotDue()).as("appended, not yet synced, counts").isTrue();
            journal.sync();
            assertThat(Files.size(journalFile(dir))).isEqualTo(JOURNAL_HEADER + 1024);
            assertThat(journal.snapshotDue()).isTrue();

            journal.snapshot(7, live.snapshot());
            assertThat(journal.snapshotDue()).isFalse();
            batch(journal, live, 8, command);
            assertThat(journal.snapshotDue()).isFalse();
        }
    }

    @Test
    void aRestoredJournalPastTheThresholdIsDueAtOnce() throws IOException {
        Path dir = temp.resolve("replica");
        RecordingService live = new RecordingService();
        try (ReplicaJournal journal = openRestored(dir, live)) {
            for (int consensus = 0; consensus < 8; consensus++) {
                batch(journal, live, consensus, "y".repeat(200));
            }
        }

        try (ReplicaJournal journal = ReplicaJournal.open(dir, 1024)) {
            RecordingService restarted = new RecordingService();
            journal.restore(restarted);
            assertThat(journal.snapshotDue()).isTrue();
            journal.snapshot(journal.lastConsensusId(), restarted.snapshot());
            assertThat(journal.snapshotDue()).isFalse();
        }
        try (ReplicaJournal journal = ReplicaJournal.open(dir, 1024)) {
            journal.restore(new RecordingService());
            assertThat(journal.snapshotDue()).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Misuse

    @Test
    void openRefusesAThresholdBelowOneKibibyte() throws IOException {
        Path dir = temp.resolve("replica");
        assertThatThrownBy(() -> ReplicaJournal.open(dir, 1023))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 KiB")
                .hasMessageContaining("1023");
        assertThatThrownBy(() -> ReplicaJournal.open(dir, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplicaJournal.open(dir, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir).as("nothing created for a refused threshold").doesNotExist();
        assertThatCode(() -> ReplicaJournal.open(dir, 1024).close()).doesNotThrowAnyException();
    }

    @Test
    void restoreTwiceIsRefused() throws IOException {
        Path dir = temp.resolve("replica");
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            journal.restore(new RecordingService());
            assertThatThrownBy(() -> journal.restore(new RecordingService()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already restored");
        }
    }

    @Test
    void nothingIsWrittenBeforeRestoreOrAfterClose() throws IOException {
        Path dir = temp.resolve("replica");
        ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD);
        assertThatThrownBy(() -> append(journal, context(0, 0), "a", true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not restored");
        assertThatThrownBy(journal::sync).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> journal.snapshot(0, new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThat(snapshotFile(dir)).doesNotExist();

        journal.restore(new RecordingService());
        journal.close();
        assertThatThrownBy(() -> append(journal, context(0, 0), "a", true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");
        assertThatThrownBy(journal::sync).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Consensus 0 ("a", "b"), 1 ("c") and 2 ("last"), closed; returns where the last record starts. */
    private long writeThreeBatches(Path dir, RecordingService live) throws IOException {
        long lastRecordStart;
        try (ReplicaJournal journal = openRestored(dir, live)) {
            batch(journal, live, 0, "a", "b");
            batch(journal, live, 1, "c");
            journal.sync();
            lastRecordStart = Files.size(journalFile(dir));
            batch(journal, live, 2, "last");
        }
        assertThat(lastRecordStart).isEqualTo(JOURNAL_HEADER + recordSize("a") + recordSize("b") + recordSize("c"));
        return lastRecordStart;
    }

    private static ReplicaJournal openRestored(Path dir, RecordingService service) throws IOException {
        ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD);
        journal.restore(service);
        return journal;
    }

    private record Outcome(ReplicaJournal.Restored restored, RecordingService service) {
    }

    /** What a replica restarting on {@code dir} gets: open, restore into a new service, close. */
    private static Outcome restoreFrom(Path dir) throws IOException {
        RecordingService service = new RecordingService();
        try (ReplicaJournal journal = ReplicaJournal.open(dir, LARGE_THRESHOLD)) {
            return new Outcome(journal.restore(service), service);
        }
    }

    /** Executes one batch on {@code service} and appends it, the last command flagged; does not sync. */
    private static void batch(ReplicaJournal journal, RecordingService service, long consensusId, String... commands) {
        for (int i = 0; i < commands.length; i++) {
            OrderContext context = context(consensusId, i);
            service.executeOrdered(commands[i].getBytes(UTF_8), context);
            append(journal, context, commands[i], i == commands.length - 1);
        }
    }

    /**
     * Executes one batch on {@code service} and appends it with no command flagged last, as when
     * the library skipped the batch's final request; does not sync.
     */
    private static void unflaggedBatch(ReplicaJournal journal, RecordingService service, long consensusId,
                                       String... commands) {
        for (int i = 0; i < commands.length; i++) {
            OrderContext context = context(consensusId, i);
            service.executeOrdered(commands[i].getBytes(UTF_8), context);
            append(journal, context, commands[i], false);
        }
    }

    private static void append(ReplicaJournal journal, OrderContext context, String command, boolean lastInBatch) {
        journal.append(context, command.getBytes(UTF_8), lastInBatch);
    }

    private static OrderContext context(long consensusId, int index) {
        return new OrderContext(consensusId, index, timestamp(consensusId));
    }

    private static long timestamp(long consensusId) {
        return 1_700_000_000_000L + 1_000 * consensusId;
    }

    private static int recordSize(String command) {
        return RECORD_OVERHEAD + command.getBytes(UTF_8).length;
    }

    /** The files a crash would leave: what reached the disk so far, in a directory of their own. */
    private Path crashCopy(Path dir) throws IOException {
        Path copy = temp.resolve("crash-" + copies++);
        Files.createDirectories(copy);
        for (Path file : List.of(journalFile(dir), snapshotFile(dir))) {
            if (Files.exists(file)) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    /** The journal's header: its magic, then the consensus id of the snapshot it follows. */
    private static byte[] journalHeader(long snapshotConsensusId) {
        return ByteBuffer.allocate(JOURNAL_HEADER).put(JOURNAL_MAGIC).putLong(snapshotConsensusId).array();
    }

    private static Path journalFile(Path dir) {
        return dir.resolve("journal.bin");
    }

    private static Path snapshotFile(Path dir) {
        return dir.resolve("snapshot.bin");
    }

    private static void flip(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            assertThat(channel.read(one, offset)).isEqualTo(1);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, offset);
        }
    }

    private static void writeInt(Path file, long offset, int value) throws IOException {
        writeBytes(file, offset, ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
    }

    private static void writeBytes(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private record Executed(String command, OrderContext context) {
    }

    /**
     * A deterministic service whose state is the list of commands it executed with their
     * contexts; its snapshot encodes that list.
     */
    private static final class RecordingService implements ReplicatedService {

        final List<Executed> executed = new ArrayList<>();
        final List<Executed> executedSinceRestore = new ArrayList<>();
        int restores;

        List<String> commands() {
            return executed.stream().map(Executed::command).toList();
        }

        @Override
        public byte[] executeOrdered(byte[] command, OrderContext context) {
            Executed done = new Executed(new String(command, UTF_8), context);
            executed.add(done);
            executedSinceRestore.add(done);
            return command;
        }

        @Override
        public byte[] executeUnordered(byte[] command) {
            throw new UnsupportedOperationException("not used by the journal");
        }

        @Override
        public byte[] snapshot() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(executed.size());
                for (Executed e : executed) {
                    out.writeUTF(e.command());
                    out.writeLong(e.context().consensusId());
                    out.writeInt(e.context().indexInBatch());
                    out.writeLong(e.context().timestampMillis());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public void restore(byte[] snapshot) {
            List<Executed> decoded = new ArrayList<>();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    String command = in.readUTF();
                    decoded.add(new Executed(command, new OrderContext(in.readLong(), in.readInt(), in.readLong())));
                }
                assertThat(in.read()).as("nothing after the encoded list").isEqualTo(-1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            executed.clear();
            executed.addAll(decoded);
            executedSinceRestore.clear();
            restores++;
        }
    }
}
