package fitmon.client.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;

/** Entry point of the {@code fitmon} executable jar. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
        System.exit(FitmonCommand.run(System.getenv(), System.in, out, err, args));
    }
}
