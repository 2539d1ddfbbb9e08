package fitmon.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelClassTest {

    @Test
    void onlyBftNeedsFPlusOneCopies() {
        for (int f = 0; f <= 3; f++) {
            assertThat(ChannelClass.BFT.votesNeeded(f)).as("BFT, f=%d", f).isEqualTo(f + 1);
            assertThat(ChannelClass.CFT_O.votesNeeded(f)).as("CFT_O, f=%d", f).isEqualTo(1);
            assertThat(ChannelClass.CFT_NO_U.votesNeeded(f)).as("CFT_NO_U, f=%d", f).isEqualTo(1);
            assertThat(ChannelClass.CFT_NO_NU.votesNeeded(f)).as("CFT_NO_NU, f=%d", f).isEqualTo(1);
        }
    }

    @Test
    void propertiesFollowTheTroneTable() {
        assertThat(ChannelClass.BFT.ordered()).isTrue();
        assertThat(ChannelClass.BFT.byzantine()).isTrue();
        assertThat(ChannelClass.BFT.signatureRequired()).isTrue();
        assertThat(ChannelClass.BFT.urgent()).isFalse();

        assertThat(ChannelClass.CFT_O.ordered()).isTrue();
        assertThat(ChannelClass.CFT_O.byzantine()).isFalse();
        assertThat(ChannelClass.CFT_O.signatureRequired()).isFalse();
        assertThat(ChannelClass.CFT_O.urgent()).isFalse();

        assertThat(ChannelClass.CFT_NO_U.ordered()).isFalse();
        assertThat(ChannelClass.CFT_NO_U.signatureRequired()).isFalse();
        assertThat(ChannelClass.CFT_NO_U.urgent()).isTrue();

        assertThat(ChannelClass.CFT_NO_NU.ordered()).isFalse();
        assertThat(ChannelClass.CFT_NO_NU.signatureRequired()).isFalse();
        assertThat(ChannelClass.CFT_NO_NU.urgent()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ChannelClass.class)
    void fromNameReadsTheContractSpelling(ChannelClass c) {
        assertThat(ChannelClass.fromName(c.name())).isSameAs(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bft", "Bft", "BFT ", " BFT", "CFT-O", "CFT", "CFT_NO", "UNKNOWN"})
    void fromNameIsExactAndReturnsNullForAnythingElse(String name) {
        assertThat(ChannelClass.fromName(name)).isNull();
    }

    @Test
    void fromNameOfNullIsNull() {
        assertThat(ChannelClass.fromName(null)).isNull();
    }
}
