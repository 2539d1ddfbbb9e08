package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import bftsmart.tom.MessageContext;
import bftsmart.tom.core.messages.TOMMessageType;
import bftsmart.tom.server.defaultservices.CommandsInfo;
import bftsmart.tom.server.defaultservices.DefaultApplicationState;
import org.junit.jupiter.api.Test;

/**
 * The rule a replica catching up applies before it installs a state: seeded simulations of state
 * transfers with up to f faulty replicas colluding on a false state, replies in random order, some
 * faulty ones silent; and what the fingerprint covers.
 */
class StateAgreementTest {

    private static final byte[] TRUE_STATE = {1};
    private static final byte[] FALSE_STATE = {2};

    @Test
    void noFalseStateIsEverVouchedForAndEveryTransferEndsOnceTheCorrectReplicasHaveAnswered() {
        int falseInstallsOfTheLibrarysRule = 0;
        for (long seed = 0; seed < 3_000; seed++) {
            Random random = new Random(seed);
            int f = 1 + random.nextInt(3);
            int n = 3 * f + 1;
            int victim = random.nextInt(n);
            List<Integer> others = new ArrayList<>();
            for (int id = 0; id < n; id++) {
                if (id != victim) {
                    others.add(id);
                }
            }
            Collections.shuffle(others, random);
            Set<Integer> faulty = new HashSet<>(others.subList(0, random.nextInt(f + 1)));
            int sender = others.get(random.nextInt(others.size()));
            byte[] offered = faulty.contains(sender) && random.nextInt(4) > 0 ? FALSE_STATE : TRUE_STATE;

            Map<Integer, byte[]> replies = new LinkedHashMap<>();
            StateAgreement.Verdict last = StateAgreement.Verdict.UNDECIDED;
            boolean libraryInstalledFalse = false;
            for (int id : others) {
                if (id == sender || (faulty.contains(id) && random.nextInt(3) == 0)) {
                    continue; // the sender's own reply is the offer; some faulty replicas stay silent
                }
                replies.put(id, faulty.contains(id) ? FALSE_STATE : TRUE_STATE);
                StateAgreement agreement = StateAgreement.judge(offered, replies, f);
                last = agreement.verdict();
                String where = "seed " + seed + ", f " + f + ", sender " + sender + ", faulty " + faulty + ", replies " + replies.keySet();
                if (last == StateAgreement.Verdict.VOUCHED) {
                    assertThat(offered).as("vouched for: " + where).isEqualTo(TRUE_STATE);
                    assertThat(agreement.dissenters()).as("set aside: " + where)
                            .allMatch(faulty::contains);
                    break;
                }
                if (last == StateAgreement.Verdict.REFUTED) {
                    assertThat(offered).as("refuted: " + where).isEqualTo(FALSE_STATE);
                    break;
                }
                // the library's own rule: one other reply with the same checkpoint hash
                libraryInstalledFalse |= offered == FALSE_STATE && replies.values().stream().anyMatch(r -> r == FALSE_STATE);
            }
            assertThat(last).as("seed %d: the transfer ends once every correct replica answered", seed)
                    .isNotEqualTo(StateAgreement.Verdict.UNDECIDED);
            if (libraryInstalledFalse) {
                falseInstallsOfTheLibrarysRule++;
            }
        }
        assertThat(falseInstallsOfTheLibrarysRule)
                .as("the simulations include collusions that one matching reply would have let through")
                .isPositive();
    }

    @Test
    void withOneFaultyReplicaOneMatchingReplyIsEnoughAsInTheLibrary() {
        assertThat(StateAgreement.judge(TRUE_STATE, Map.of(0, TRUE_STATE), 1).verdict())
                .isEqualTo(StateAgreement.Verdict.VOUCHED);
        assertThat(StateAgreement.judge(FALSE_STATE, Map.of(0, FALSE_STATE), 2).verdict())
                .as("f = 2: one colluder is not enough").isEqualTo(StateAgreement.Verdict.UNDECIDED);
        assertThat(StateAgreement.judge(FALSE_STATE, Map.of(0, FALSE_STATE, 1, TRUE_STATE, 2, TRUE_STATE, 3, TRUE_STATE), 2)
                .verdict()).isEqualTo(StateAgreement.Verdict.REFUTED);
    }

    @Test
    void theFingerprintCoversTheCheckpointTheBatchesAndTheirConsensusTimesButNotWhatDiffersBetweenCorrectReplicas() {
        byte[] hash = {9, 9, 9};
        byte[] reference = StateAgreement.fingerprint(state(5, 7, 1_000L, 3, "a"), hash);

        assertThat(StateAgreement.fingerprint(state(5, 7, 1_000L, 3, "a"), hash)).isEqualTo(reference);
        assertThat(StateAgreement.fingerprint(state(5, 7, 1_000L, 1, "a"), hash))
                .as("the regency a replica saw a batch in is not part of it").isEqualTo(reference);
        assertThat(StateAgreement.fingerprint(state(5, 7, 1_000L, 3, "a"), new byte[] {9, 9, 8}))
                .as("another checkpoint").isNotEqualTo(reference);
        assertThat(StateAgreement.fingerprint(state(4, 7, 1_000L, 3, "a"), hash))
                .as("another checkpoint id").isNotEqualTo(reference);
        assertThat(StateAgreement.fingerprint(state(5, 7, 1_001L, 3, "a"), hash))
                .as("another consensus time").isNotEqualTo(reference);
        assertThat(StateAgreement.fingerprint(state(5, 7, 1_000L, 3, "b"), hash))
                .as("another command").isNotEqualTo(reference);
    }

    /** A state with checkpoint {@code checkpoint} and batches up to {@code last}, the last one carrying {@code command}. */
    private static DefaultApplicationState state(int checkpoint, int last, long time, int regency, String command) {
        CommandsInfo[] batches = new CommandsInfo[last - checkpoint];
        for (int i = 0; i < batches.length; i++) {
            int cid = checkpoint + 1 + i;
            byte[] bytes = (i == batches.length - 1 ? command : "c" + cid).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MessageContext context = new MessageContext(1001, 0, TOMMessageType.ORDERED_REQUEST, 0, cid, 0, 0, null,
                    time + cid, 0, 0L, regency, 0, cid, null, null, false);
            batches[i] = new CommandsInfo(new byte[][] {bytes}, new MessageContext[] {context});
        }
        return new DefaultApplicationState(batches, checkpoint, last, null, new byte[] {9, 9, 9}, 0);
    }
}
