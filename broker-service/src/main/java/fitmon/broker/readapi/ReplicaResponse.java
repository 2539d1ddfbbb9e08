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
 */
public record ReplicaResponse(int id, int n, int f, String state, long lastConsensusId, long appliedCommands,
                              Instant consensusTime, String digest) {
}
