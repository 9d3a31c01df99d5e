package dev.banger.cli.output;

import dev.banger.common.rpc.OpIds;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Every error reaches stderr as one line, {@code banger: <kind>: <message>}, with
 * the daemon's op id when the failure came from an RPC (OPS-5, OPS-7).
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    public static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println(format(e));
        err.flush();
        return EXIT_FAILURE;
    }

    public static String format(Throwable e) {
        if (e instanceof UserError u) {
            return "banger: " + u.kind().label() + ": " + u.getMessage();
        }
        if (e instanceof StatusRuntimeException s) {
            String description = s.getStatus().getDescription();
            String message = description == null || description.isBlank() ? s.getStatus().getCode().toString()
                    : description;
            String opId = OpIds.of(s);
            return "banger: " + ErrorKind.of(s.getStatus().getCode()).label() + ": " + message
                    + (opId == null ? "" : " (op " + opId + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "banger: " + ErrorKind.ERROR.label() + ": " + message;
    }
}
