package fitmon.core.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STOMP 1.2 frames to and from text (one or more frames per WebSocket text message). Header
 * values are escaped ({@code \\ \n \r \c}) except in CONNECT and CONNECTED frames, as 1.2
 * requires; {@code content-length} is honoured when present; bare line ends between frames are
 * heart-beats and skipped.
 */
public final class StompCodec {

    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_LENGTH = 8192;

    private StompCodec() {
    }

    public static String encode(StompFrame frame) {
        boolean escape = escapes(frame.command());
        StringBuilder out = new StringBuilder(frame.body().length() + 128);
        out.append(frame.command()).append('\n');
        for (Map.Entry<String, String> header : frame.headers().entrySet()) {
            out.append(escape ? escape(header.getKey()) : header.getKey()).append(':')
                    .append(escape ? escape(header.getValue()) : header.getValue()).append('\n');
        }
        return out.append('\n').append(frame.body()).append('\0').toString();
    }

    public static List<StompFrame> decode(String text) throws StompFormatException {
        return decode(text.getBytes(StandardCharsets.UTF_8));
    }

    public static List<StompFrame> decode(byte[] bytes) throws StompFormatException {
        List<StompFrame> frames = new ArrayList<>();
        int[] position = {0};
        while (true) {
            skipLineEnds(bytes, position);
            if (position[0] >= bytes.length) {
                return frames;
            }
            frames.add(decodeOne(bytes, position));
        }
    }

    private static StompFrame decodeOne(byte[] bytes, int[] position) throws StompFormatException {
        String command = readLine(bytes, position);
        if (command == null || command.isEmpty() || !command.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new StompFormatException("a frame must start with a command in capital letters");
        }
        boolean escaped = escapes(command);
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(bytes, position);
            if (line == null) {
                throw new StompFormatException(command + " frame ends inside its headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (headers.size() >= MAX_HEADERS || line.length() > MAX_HEADER_LENGTH) {
                throw new StompFormatException(command + " frame has too many or too long headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new StompFormatException("header line without a name and ':' in " + command + " frame");
            }
            String name = escaped ? unescape(line.substring(0, colon)) : line.substring(0, colon);
            String value = escaped ? unescape(line.substring(colon + 1)) : line.substring(colon + 1);
            headers.putIfAbsent(name, value);
        }
        String body = readBody(bytes, position, headers.get("content-length"), command);
        return new StompFrame(command, headers, body);
    }

    private static String readBody(byte[] bytes, int[] position, String contentLength, String command)
            throws StompFormatException {
        int start = position[0];
        int end;
        if (contentLength != null) {
            int length;
            try {
                length = Integer.parseInt(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new StompFormatException("content-length of " + command + " frame is not a number");
            }
            if (length < 0 || start + length >= bytes.length || bytes[start + length] != 0) {
                throw new StompFormatException("content-length of " + command + " frame does not match its body");
            }
            end = start + length;
        } else {
            end = start;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            if (end >= bytes.length) {
                throw new StompFormatException(command + " frame is not terminated by NUL");
            }
        }
        position[0] = end + 1;
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** A line without its LF or CRLF, or null when the bytes end first. */
    private static String readLine(byte[] bytes, int[] position) throws StompFormatException {
        int start = position[0];
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new StompFormatException("NUL inside a frame's command or headers");
            }
            if (bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                position[0] = i + 1;
                return new String(bytes, start, end - start, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void skipLineEnds(byte[] bytes, int[] position) {
        while (position[0] < bytes.length && (bytes[position[0]] == '\n' || bytes[position[0]] == '\r')) {
            position[0]++;
        }
    }

    private static boolean escapes(String command) {
        return !"CONNECT".equals(command) && !"CONNECTED".equals(command);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case ':' -> out.append("\\c");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String s) throws StompFormatException {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new StompFormatException("header ends in a lone backslash");
            }
            switch (s.charAt(i)) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'c' -> out.append(':');
                default -> throw new StompFormatException("undefined escape \\" + s.charAt(i) + " in a header");
            }
        }
        return out.toString();
    }
}
