package fitmon.client.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import fitmon.client.http.GatewayProblemException;
import fitmon.client.http.GatewayUnreachableException;
import picocli.CommandLine;

/** Turns whatever a subcommand throws into one line on stderr and its exit code. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Failure failure = describe(e);
        commandLine.getErr().println("fitmon: " + failure.message());
        if (failure.exitCode() == ExitCodes.INTERNAL && verbose(commandLine)) {
            e.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return failure.exitCode();
    }

    record Failure(int exitCode, String message) {
    }

    static Failure describe(Throwable e) {
        if (e instanceof CliException cli) {
            return new Failure(cli.exitCode(), cli.getMessage());
        }
        if (e instanceof GatewayProblemException problem) {
            String detail = problem.detail() == null || problem.detail().isBlank() ? problem.title() : problem.detail();
            int code = problem.isAuthentication() ? ExitCodes.AUTH
                    : problem.isUnavailable() ? ExitCodes.UNREACHABLE : ExitCodes.REFUSED;
            return new Failure(code, problem.code() + ": " + detail);
        }
        if (e instanceof GatewayUnreachableException unreachable) {
            return new Failure(ExitCodes.UNREACHABLE, unreachable.getMessage());
        }
        if (e instanceof UncheckedIOException io) {
            return new Failure(ExitCodes.USAGE, io.getCause().getMessage());
        }
        if (e instanceof IOException io) {
            return new Failure(ExitCodes.USAGE, io.getMessage());
        }
        if (e instanceof IllegalArgumentException bad) {
            return new Failure(ExitCodes.USAGE, bad.getMessage());
        }
        return new Failure(ExitCodes.INTERNAL, "unexpected " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (run with --verbose for the stack trace)");
    }

    private static boolean verbose(CommandLine commandLine) {
        return commandLine.getCommandSpec().root().userObject() instanceof FitmonCommand root && root.verbose;
    }
}
