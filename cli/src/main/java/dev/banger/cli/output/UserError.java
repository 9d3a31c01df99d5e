package dev.banger.cli.output;

/**
 * A failure to report to the user as {@code banger: <kind>: <message>}, without a stack trace.
 */
public class UserError extends RuntimeException {
    private final ErrorKind kind;

    public UserError(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
