package fitmon.broker.readapi;

import java.time.Instant;

/**
 * Where this replica stands.
 *
 * @param state             replication state (STARTING, WAITING_FOR_PEERS, READY, STOPPED)
 * @param lastConsensusId   highest consensus instance executed, -1 before the first
 * @param appliedCommands   ordered commands applied, refused ones included
 * @param consensusTime     consensus time of the last ordered command
 * @param digest            hex SHA-256 of the agreed state, equal on every correct replica at the same point
 * @param restored          what the replica read back from its data directory when it started;
 *                          null when it keeps its state in memory only
 * @param regency           the leader-change round this replica has installed, -1 before it started
 * @param leader            the leader of that round, as this replica sees it
 * @param activity          what the replica is doing: ordering, idle, fetching the group's state,
 *                          alone or stopped in a leader change, message thread unresponsive
 */
public record ReplicaResponse(int id, int n, int f, String state, long lastConsensusId, long appliedCommands,
                              Instant consensusTime, String digest, Restored restored, int regency, int leader,
                              String activity) {

    /**
     * @param consensusId         the consensus instance the restored state ends with, -1 if it started empty
     * @param snapshotConsensusId the consensus instance of the snapshot it started from, -1 if none
     * @param batchesReplayed     journaled batches replayed on top of that snapshot
     * @param droppedBytes        journal bytes dropped as cut short or damaged (fetched from peers instead)
     */
    public record Restored(long consensusId, long snapshotConsensusId, int batchesReplayed, long droppedBytes) {
    }
}
