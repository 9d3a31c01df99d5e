package dev.banger.cli.output;

import dev.banger.rpc.OpIds;
import io.grpc.Status;
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
            return "banger: " + u.kind() + ": " + u.getMessage();
        }
        if (e instanceof StatusRuntimeException s) {
            String description = s.getStatus().getDescription();
            String message = description == null || description.isBlank() ? s.getStatus().getCode().toString()
                    : description;
            String opId = OpIds.of(s);
            return "banger: " + kind(s.getStatus().getCode()) + ": " + message + (opId == null ? "" : " (op " + opId + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "banger: error: " + message;
    }

    static String kind(Status.Code code) {
        switch (code) {
            case NOT_FOUND: return "not found";
            case ALREADY_EXISTS: return "already exists";
            case INVALID_ARGUMENT: return "bad request";
            case FAILED_PRECONDITION: return "failed precondition";
            case PERMISSION_DENIED: return "permission denied";
            case UNAUTHENTICATED: return "unauthenticated";
            case UNAVAILABLE: return "unavailable";
            case DEADLINE_EXCEEDED: return "timed out";
            case UNIMPLEMENTED: return "not implemented";
            case CANCELLED: return "cancelled";
            case RESOURCE_EXHAUSTED: return "resource exhausted";
            case ABORTED: return "aborted";
            default: return "internal error";
        }
    }
}
