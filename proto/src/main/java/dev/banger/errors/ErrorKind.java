package dev.banger.errors;

/** The few kinds of domain failure, each one gRPC status code and one label the CLI prints. */
public enum ErrorKind {
    NOT_FOUND("not found"),
    ALREADY_EXISTS("already exists"),
    INVALID_ARGUMENT("bad request"),
    FAILED_PRECONDITION("failed precondition"),
    UNAVAILABLE("unavailable");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** How `banger: LABEL: message` names it. */
    public String label() {
        return label;
    }
}
