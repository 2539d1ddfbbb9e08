package fitmon.replication.bftsmart;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import bftsmart.tom.MessageContext;
import bftsmart.tom.server.defaultservices.CommandsInfo;
import bftsmart.tom.server.defaultservices.DefaultApplicationState;

/**
 * Whether a state offered in state transfer is one that at least one correct replica holds.
 *
 * <p>The replica catching up gets the whole state (checkpoint and the batches ordered since) from
 * one replica and a summary from the others. The library installs it once a single other replica
 * sent the same checkpoint hash, and it never compares the batches or their consensus times, which
 * the state machine replays. With f = 1 one other replica plus the sender is f + 1; with f = 2, two
 * colluding replicas can have a false state installed, and a lagging correct replica would then
 * serve it too: f + 1 identical lies to consoles (threat T28). Here the sender's state counts only
 * when f other replicas sent the same {@link #fingerprint}: checkpoint hash, checkpoint and last
 * consensus ids, and every command of every batch with the context fields the service reads.
 */
record StateAgreement(Verdict verdict, List<Integer> dissenters) {

    enum Verdict {
        /** f other replicas vouch for the sender's state: at least one of the f + 1 is correct. */
        VOUCHED,
        /** f + 1 other replicas agree on another state: the sender lied, ask someone else. */
        REFUTED,
        /** Neither yet: wait for more replies. */
        UNDECIDED
    }

    /**
     * @param offered the fingerprint of the state the chosen replica sent in full
     * @param others  the fingerprints of the other replicas' replies, by replica id
     * @param f       the replicas that may be faulty
     * @return the verdict and, when vouched, the replicas whose replies disagree with it (faulty)
     */
    static StateAgreement judge(byte[] offered, Map<Integer, byte[]> others, int f) {
        List<Integer> dissenters = others.entrySet().stream()
                .filter(e -> !Arrays.equals(e.getValue(), offered))
                .map(Map.Entry::getKey).sorted().toList();
        int vouching = others.size() - dissenters.size();
        if (vouching >= f) {
            return new StateAgreement(Verdict.VOUCHED, dissenters);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Integer id : dissenters) {
            if (counts.merge(Arrays.toString(others.get(id)), 1, Integer::sum) > f) {
                return new StateAgreement(Verdict.REFUTED, List.of());
            }
        }
        return new StateAgreement(Verdict.UNDECIDED, List.of());
    }

    /**
     * SHA-256 over what installing this state would make the replica do: the checkpoint's hash
     * ({@code checkpointHash}: computed from the bytes for the state sent in full, as claimed for a
     * summary), its consensus id, the last consensus id, and each batch's commands with the
     * consensus id, time, last-in-batch and no-op flags of their contexts.
     */
    static byte[] fingerprint(DefaultApplicationState state, byte[] checkpointHash) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, checkpointHash);
            out.writeInt(state.getLastCheckpointCID());
            out.writeInt(state.getLastCID());
            CommandsInfo[] batches = state.getMessageBatches();
            out.writeInt(batches == null ? -1 : batches.length);
            for (CommandsInfo batch : batches == null ? new CommandsInfo[0] : batches) {
                writeBatch(out, batch);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void writeBatch(DataOutputStream out, CommandsInfo batch) throws IOException {
        if (batch == null) {
            out.writeInt(-1);
            return;
        }
        byte[][] commands = batch.commands;
        MessageContext[] contexts = batch.msgCtx;
        out.writeInt(commands == null ? -1 : commands.length);
        for (byte[] command : commands == null ? new byte[0][] : commands) {
            writeBytes(out, command);
        }
        out.writeInt(contexts == null ? -1 : contexts.length);
        for (MessageContext context : contexts == null ? new MessageContext[0] : contexts) {
            if (context == null) {
                out.writeByte(0);
                continue;
            }
            out.writeByte(1);
            out.writeInt(context.getConsensusId());
            out.writeLong(context.getTimestamp());
            out.writeBoolean(context.isLastInBatch());
            out.writeBoolean(context.isNoOp());
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value == null ? -1 : value.length);
        if (value != null) {
            out.write(value);
        }
    }
}
