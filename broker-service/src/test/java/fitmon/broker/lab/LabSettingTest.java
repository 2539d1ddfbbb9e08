package fitmon.broker.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LabSettingTest {

    @Test
    void modesAreTypedInLowerCaseWithDashes() {
        assertThat(Misbehaviour.parse("wrong-replies")).isEqualTo(Misbehaviour.WRONG_REPLIES);
        assertThat(Misbehaviour.parse(" Equivocate ")).isEqualTo(Misbehaviour.EQUIVOCATE);
        assertThat(Misbehaviour.LYING_READS.label()).isEqualTo("lying-reads");
    }

    @Test
    void anUnknownModeIsRefusedNamingEveryMode() {
        assertThatThrownBy(() -> Misbehaviour.parse("lie-a-little"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lie-a-little")
                .hasMessageContaining("honest, alter, equivocate, drop, delay, reorder, replay, wrong-replies, lying-reads");
    }

    @Test
    void onlyDelayKeepsADelayAndItHasADefault() {
        assertThat(new LabSetting(Misbehaviour.DELAY, null).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new LabSetting(Misbehaviour.DELAY, Duration.ofMillis(300)).delay()).isEqualTo(Duration.ofMillis(300));
        assertThat(new LabSetting(Misbehaviour.ALTER, Duration.ofMillis(300)).delay()).isZero();
    }

    @Test
    void aDelayIsBounded() {
        assertThatThrownBy(() -> new LabSetting(Misbehaviour.DELAY, Duration.ofMinutes(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 5 minutes");
        assertThatThrownBy(() -> new LabSetting(Misbehaviour.DELAY, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLabReplicaChangesItsBehaviourAndAProductionOneCannot() {
        LabSwitches lab = LabSwitches.lab(3);
        lab.set(new LabSetting(Misbehaviour.REPLAY, null));
        assertThat(lab.is(Misbehaviour.REPLAY)).isTrue();

        LabSwitches production = LabSwitches.honest(3);
        assertThatThrownBy(() -> production.set(new LabSetting(Misbehaviour.REPLAY, null)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(production.current()).isEqualTo(LabSetting.HONEST);
    }
}
