package fitmon.core.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class StompCodecTest {

    @Test
    void aFrameSurvivesEncodingWithEscapedHeadersAndUnicodeBody() throws Exception {
        StompFrame frame = StompFrame.of("MESSAGE").header("destination", "/topic/channels/a:b")
                .header("odd", "line\nbreak\\and\rcr").body("{\"v\":\"é✓\"}").build();
        String text = StompCodec.encode(frame);
        assertThat(text).startsWith("MESSAGE\ndestination:/topic/channels/a\\cb\nodd:line\\nbreak\\\\and\\rcr\n\n");
        assertThat(text).endsWith("\0");
        assertThat(StompCodec.decode(text)).containsExactly(frame);
    }

    @Test
    void connectFramesAreNotEscapedAndTheFirstRepeatedHeaderWins() throws Exception {
        List<StompFrame> frames = StompCodec.decode("CONNECT\r\naccept-version:1.2\r\ntoken:a\\b\r\ntoken:second\r\n\r\n\0");
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).header("token")).isEqualTo("a\\b");
        assertThat(frames.get(0).header("accept-version")).isEqualTo("1.2");
    }

    @Test
    void heartBeatsBetweenFramesAreSkippedAndSeveralFramesDecode() throws Exception {
        List<StompFrame> frames = StompCodec.decode("\n\nSEND\ndestination:/x\n\nhello\0\r\nDISCONNECT\nreceipt:7\n\n\0\n");
        assertThat(frames).extracting(StompFrame::command).containsExactly("SEND", "DISCONNECT");
        assertThat(frames.get(0).body()).isEqualTo("hello");
        assertThat(StompCodec.decode("\n")).isEmpty();
    }

    @Test
    void contentLengthAllowsNulInsideTheBody() throws Exception {
        byte[] body = "a\0b".getBytes();
        String text = "SEND\ncontent-length:" + body.length + "\n\na\0b\0";
        assertThat(StompCodec.decode(text).get(0).body()).isEqualTo("a\0b");
    }

    @Test
    void malformedFramesAreRefusedWithAReason() {
        assertThatThrownBy(() -> StompCodec.decode("send\n\n\0")).hasMessageContaining("capital letters");
        assertThatThrownBy(() -> StompCodec.decode("SEND\nno-colon\n\n\0")).hasMessageContaining("':'");
        assertThatThrownBy(() -> StompCodec.decode("SEND\nx:1\n\nbody")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> StompCodec.decode("SEND\nx:1")).hasMessageContaining("inside its headers");
        assertThatThrownBy(() -> StompCodec.decode("SEND\nx:\\t\n\n\0")).hasMessageContaining("undefined escape");
        assertThatThrownBy(() -> StompCodec.decode("SEND\ncontent-length:9\n\nab\0")).hasMessageContaining("content-length");
        assertThatThrownBy(() -> StompCodec.decode("SEND\ncontent-length:x\n\nab\0")).hasMessageContaining("not a number");
    }
}
