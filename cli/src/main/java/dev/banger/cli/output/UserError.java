package dev.banger.cli.output;

/**
 * A failure to report to the user as {@code banger: <kind>: <message>}, without a stack trace.
 * Kinds are short labels: "not found", "bad request", "unavailable", ...
 */
public class UserError extends RuntimeException {
    private final String kind;

    public UserError(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
