package fitmon.benchmarks.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fitmon.core.channel.TagSyntax;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    @Test
    void allOfAGroupOfFourIsOneFaultAtATimeWithTheLeaderAmongTheVictims() {
        assertThat(Scenario.select("all", 1)).extracting(Scenario::name).containsExactly("baseline", "crash-leader",
                "pause-leader", "partition-leader", "alter-leader", "equivocate-leader", "replay-leader", "drop-leader",
                "delay-leader", "reorder-leader", "wrong-replies-leader", "lying-reads-leader");
    }

    @Test
    void aGroupOfSevenAlsoRunsEachLieAndThePartitionWithACrash() {
        assertThat(Scenario.select("all", 2)).hasSize(21)
                .filteredOn(Scenario::crashAnother).hasSize(9).allMatch(s -> s.faulty() == 2
                        && (s.fault() == Scenario.Fault.LIE || s.fault() == Scenario.Fault.PARTITION));
    }

    @Test
    void everyScenariosChannelTagIsAValidTag() {
        assertThat(Scenario.select("all", 2)).allSatisfy(s -> assertThat(TagSyntax.isValid(s.channelTag("r4nd0m")))
                .as(s.channelTag("r4nd0m")).isTrue());
    }

    @Test
    void aScenarioBeyondTheGroupsFaultBoundIsRefusedWithWhatItNeeds() {
        assertThatThrownBy(() -> Scenario.select("equivocate-leader+crash", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("f = 1").hasMessageContaining("n = 7");
    }

    @Test
    void anUnknownScenarioIsRefusedNamingTheOthers() {
        assertThatThrownBy(() -> Scenario.select("crash-everything", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("crash-everything")
                .hasMessageContaining("pause-leader");
    }
}
